package io.needlestack.gateway.node;

import io.needlestack.core.platform.StartupBeans;
import io.needlestack.gateway.cluster.RoutedNeedleStorage;
import io.needlestack.gateway.cluster.rebalance.RebalanceMover;
import io.needlestack.gateway.cluster.tombstone.TombstonePurger;
import io.needlestack.gateway.object.cache.CacheCoherence;
import io.needlestack.gateway.object.orphan.OrphanChunkCollector;
import io.needlestack.gateway.recovery.NodeRecovery;
import io.needlestack.gateway.scrub.ScrubService;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.List;

/**
 * Fails the gateway's deployment when one of the beans that start the node's background work is
 * not a bean in this deployment.
 *
 * <p>These beans start by observing the application's start ({@code @Initialized}). Some are
 * injected nowhere ({@code NodeAnnouncer}, {@code RebalanceMover}), so a bean that the container
 * did not discover would leave a node that deploys, answers S3 and reports healthy while it never
 * announces itself to the manager or never moves its share in a rebalance (the others would fail
 * the deployment through the beans that inject them; listing them too keeps that true when an
 * injection point goes away). Payara finds beans from a class-model scan of the archive, and
 * that scan once reported a deployment without its EJB (see {@code ejb-jar.xml}). This listener
 * is declared in {@code web.xml} (not annotated, so it does not depend on that scan itself) and
 * turns such a miss into a failed deployment, which the start script and the manager see.
 * {@code StartupComponentsTest} keeps {@link #STARTED_ON_DEPLOY} equal to the classes that
 * observe the start.
 */
public class StartupComponents implements ServletContextListener {

    /** Every bean of the WAR that observes {@code @Initialized(ApplicationScoped.class)}. */
    public static final StartupBeans STARTED_ON_DEPLOY = new StartupBeans("gateway", List.of(NodeAnnouncer.class,
            CacheCoherence.class, OrphanChunkCollector.class, ScrubService.class, RebalanceMover.class,
            RoutedNeedleStorage.class, TombstonePurger.class, NodeRecovery.class));

    @Override
    public void contextInitialized(ServletContextEvent event) {
        STARTED_ON_DEPLOY.requirePresent(c -> CDI.current().select(c).isResolvable());
    }
}
