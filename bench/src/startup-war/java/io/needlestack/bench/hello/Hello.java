package io.needlestack.bench.hello;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The one-resource WAR that bench/run-side-by-side.sh deploys on a bare Payara Micro to compare
 * start-up times: the floor any Payara Micro application pays. Compiled by the script (javac
 * against jakarta.ws.rs-api), not by Maven: it must not be a Needlestack deployable.
 */
@ApplicationPath("/")
public class Hello extends Application {

  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(Ping.class);
  }

  /** GET /ping answers "pong" once the application is deployed. */
  @Path("ping")
  public static class Ping {
    /** The readiness probe of the start-up comparison. */
    @GET
    @Produces("text/plain")
    public String ping() {
      return "pong";
    }
  }
}
