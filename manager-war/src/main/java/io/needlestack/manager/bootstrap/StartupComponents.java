package io.needlestack.manager.bootstrap;

import io.needlestack.core.platform.StartupBeans;
import io.needlestack.manager.recovery.RestartedNodes;
import io.needlestack.manager.ring.RebalanceTracker;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.List;

/**
 * Fails the manager's deployment when one of the beans that start its work (the schema and root
 * account, the rebalance tracker, the recovery of restarted nodes) is not a bean in this
 * deployment: they start by observing the application's start, and {@code RestartedNodes} is
 * injected nowhere, so if the container's scan missed it the manager would answer but leave every
 * restarted node {@code restarted} instead of returning it to {@code running}. Declared in {@code web.xml}, not annotated, so it does not depend on that
 * scan itself. {@code StartupComponentsTest} keeps the list equal to the classes that observe the
 * start.
 */
public class StartupComponents implements ServletContextListener {

    /** Every bean of the WAR that observes {@code @Initialized(ApplicationScoped.class)}. */
    public static final StartupBeans STARTED_ON_DEPLOY = new StartupBeans("manager",
            List.of(ManagerStartup.class, RebalanceTracker.class, RestartedNodes.class));

    @Override
    public void contextInitialized(ServletContextEvent event) {
        STARTED_ON_DEPLOY.requirePresent(c -> CDI.current().select(c).isResolvable());
    }
}
