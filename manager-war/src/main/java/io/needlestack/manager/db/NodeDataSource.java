package io.needlestack.manager.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.needlestack.core.config.NodeConfig;

/**
 * The data source class named by the WAR's {@code <data-source>} (web.xml): it finds the
 * database from the node's settings, so the location follows {@code needlestack.data} without
 * relying on the container expanding variables in deployment descriptors.
 *
 * <ul>
 *   <li>{@code needlestack.db.url}: a JDBC URL (e.g. {@code jdbc:postgresql://db/needlestack});
 *       default {@code jdbc:h2:file:<needlestack.data>/manager/db}. The driver must be visible
 *       to the application (H2 and PostgreSQL's are in WEB-INF/lib).</li>
 *   <li>{@code needlestack.db.user}, {@code needlestack.db.password}: default {@code sa} and
 *       empty (H2's defaults) for H2; for any other database none, so that the URL's own
 *       {@code user=} and {@code password=} parameters apply.</li>
 * </ul>
 * The container pools the connections this class opens and drives their transactions.
 */
public class NodeDataSource implements DataSource {

    private String url;
    private String user;
    private String password;
    private int loginTimeout;
    private PrintWriter logWriter;

    /** Reads the location from the node's settings. */
    public NodeDataSource() {
        this(NodeConfig.current());
    }

    /** Reads the location from the given settings. */
    public NodeDataSource(NodeConfig config) {
        this.url = defaultUrl(config);
        // H2's defaults only for H2: another database takes the user from the URL
        // (jdbc:postgresql://host/db?user=..&password=..) unless needlestack.db.user is set.
        boolean h2 = url.startsWith("jdbc:h2:");
        this.user = config.get("needlestack.db.user").orElse(h2 ? "sa" : null);
        this.password = config.get("needlestack.db.password").orElse(h2 ? "" : null);
    }

    /** The JDBC URL the node's settings select. */
    public static String defaultUrl(NodeConfig config) {
        return config.get("needlestack.db.url").orElseGet(() -> "jdbc:h2:file:"
                + config.dataDirectory().resolve("manager").resolve("db").toString().replace('\\', '/')
                // The container closes the pool; H2's own shutdown hook would close it under us.
                + ";DB_CLOSE_ON_EXIT=FALSE"
                // H2 writes a commit to its file up to 500 ms later by default: a kill -9 in that
                // window lost an acknowledged CreateBucket (CrashIT, once in CI). Write at commit.
                + ";WRITE_DELAY=0");
    }

    /** The JDBC URL in use. */
    public String getUrl() {
        return url;
    }

    /** Overrides the URL (a container property, when a deployment configures one). */
    public void setUrl(String url) {
        if (url != null && !url.isBlank()) {
            this.url = url;
        }
    }

    /** Same as {@link #setUrl}, under the property name some containers use. */
    public void setURL(String url) {
        setUrl(url);
    }

    /** Overrides the user. */
    public void setUser(String user) {
        if (user != null && !user.isBlank()) {
            this.user = user;
        }
    }

    /** Overrides the password. */
    public void setPassword(String password) {
        if (password != null) {
            this.password = password;
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        Properties p = new Properties();
        if (username != null) {
            p.setProperty("user", username);
        }
        if (pass != null) {
            p.setProperty("password", pass);
        }
        Connection c = driver().connect(url, p);
        if (c == null) {
            throw new SQLException("driver refused URL " + url);
        }
        return c;
    }

    private Driver driver() throws SQLException {
        // The application's class loader, not DriverManager's: the driver lives in WEB-INF/lib.
        // A driver loaded by our own loader wins over one the server carries (Payara has an H2).
        ClassLoader own = NodeDataSource.class.getClassLoader();
        Driver fallback = null;
        for (Driver d : ServiceLoader.load(Driver.class, own)) {
            if (d.acceptsURL(url)) {
                if (d.getClass().getClassLoader() == own) {
                    return d;
                }
                fallback = fallback == null ? d : fallback;
            }
        }
        return fallback != null ? fallback : DriverManager.getDriver(url);
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
