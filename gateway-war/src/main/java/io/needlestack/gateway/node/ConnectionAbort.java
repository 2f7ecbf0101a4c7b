package io.needlestack.gateway.node;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Closes the connection under an answer that failed after its status and headers went out (a
 * body whose replica failed its checksum part-way, with no other replica to go on from), so
 * that the client sees the body end short at once and retries.
 *
 * <p>The Servlet API has no way to do this (jakartaee/servlet#98). Payara (Catalina over
 * Grizzly) keeps such a connection open after the servlet's exception, and the client then waits,
 * with fewer bytes than {@code Content-Length}, until its own read timeout: 30 s and more for the
 * AWS SDKs, and {@code needlestack.replica.timeout.ms} for a coordinator reading a replica. Here
 * the connection is reached through Payara's classes by reflection (the response facade's
 * Catalina response, its Grizzly response, request and connection). Where that chain does not
 * exist (another container, other Payara classes), nothing is closed and that is logged once.
 */
public final class ConnectionAbort {

    private static final Logger LOG = Logger.getLogger(ConnectionAbort.class.getName());
    private static final AtomicBoolean UNSUPPORTED_LOGGED = new AtomicBoolean();

    private ConnectionAbort() {
    }

    /**
     * Closes the connection of {@code response}, whose answer cannot be completed.
     *
     * @return whether it was closed
     */
    public static boolean abort(ServletResponse response) {
        try {
            Object r = response;
            while (r instanceof ServletResponseWrapper w) {
                r = w.getResponse();
            }
            Object catalina = field(r, "response");
            Object grizzly = call(catalina, "getCoyoteResponse");
            Object request = call(grizzly, "getRequest");
            Object connection = call(request, "getConnection");
            call(connection, "closeSilently");
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (UNSUPPORTED_LOGGED.compareAndSet(false, true)) {
                LOG.log(Level.INFO, "this container's connections cannot be closed under a failed answer ("
                        + response.getClass().getName() + "): such answers end when the container ends them", e);
            }
            return false;
        }
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                Object value = f.get(target);
                if (value == null) {
                    throw new NoSuchFieldException(name + " of " + c.getName() + " is null");
                }
                return value;
            } catch (NoSuchFieldException e) {
                // the field is declared further up
            }
        }
        throw new NoSuchFieldException(name + " in " + target.getClass().getName());
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        // The implementation class may be package-private although the method is public.
        m.setAccessible(true);
        Object value = m.invoke(target);
        if (value == null && m.getReturnType() != void.class) {
            throw new NoSuchFieldException(method + " of " + target.getClass().getName() + " returned null");
        }
        return value;
    }
}
