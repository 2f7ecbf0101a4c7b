package io.needlestack.gateway.s3.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The S3 API at the root of the gateway's context (path-style addressing needs "/"). */
@ApplicationPath("/")
public class S3Application extends Application {
}
