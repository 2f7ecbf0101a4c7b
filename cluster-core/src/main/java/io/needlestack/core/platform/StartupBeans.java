package io.needlestack.core.platform;

import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The beans a deployment must have found for its node to do its work: the ones that start that
 * work by observing the application's start. One that nothing injects and that the container did
 * not discover would go unnoticed (the node deploys and answers, but never, say, announces
 * itself). Each WAR's start-up listener, declared in its {@code web.xml}, checks its list at
 * deployment and fails the deployment when one is missing.
 */
public final class StartupBeans {

    private static final Logger LOG = Logger.getLogger(StartupBeans.class.getName());

    private final String deployment;
    private final List<Class<?>> beans;

    /**
     * @param deployment what the message calls the deployment ("gateway", "manager")
     * @param beans the beans that must be present
     */
    public StartupBeans(String deployment, List<Class<?>> beans) {
        this.deployment = deployment;
        this.beans = List.copyOf(beans);
    }

    /** The beans that must be present. */
    public List<Class<?>> beans() {
        return beans;
    }

    /**
     * Returns quietly when {@code present} holds for every bean; otherwise logs (SEVERE) and throws.
     *
     * @param present whether the deployment has the bean (CDI's {@code select(c).isResolvable()})
     * @throws MissingStartupBeansException naming every missing bean otherwise
     */
    public void requirePresent(Predicate<Class<?>> present) {
        List<String> missing = beans.stream().filter(present.negate()).map(Class::getName).toList();
        if (!missing.isEmpty()) {
            MissingStartupBeansException e = new MissingStartupBeansException("the " + deployment
                    + " deployed without " + missing + ", which start its work at deployment; failing the"
                    + " deployment rather than run without them");
            // Logged here too: the container reports the listener's exception many lines further on.
            LOG.severe(e.getMessage());
            throw e;
        }
    }

    /** A deployment lacks beans it cannot work without; deploying again may find them. */
    public static final class MissingStartupBeansException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        MissingStartupBeansException(String message) {
            super(message);
        }
    }
}
