package io.needlestack.storage.adapter;

import io.needlestack.storage.container.FsyncPolicy;
import io.needlestack.storage.engine.EngineConfig;
import io.needlestack.storage.engine.NeedleEngine;
import io.needlestack.storage.store.NeedleStoreException;
import io.needlestack.storage.store.StoreUnavailableException;
import jakarta.resource.ResourceException;
import jakarta.resource.NotSupportedException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;

/**
 * The needle store resource adapter. It owns the node's {@link NeedleEngine}: opened in
 * {@link #start}, closed in {@link #stop} (so a redeploy finds no stale RocksDB lock). Deployed
 * standalone as {@code needle-rar} on Payara Micro, or inside an EAR as {@code #needle-rar};
 * applications declare the connection factory ({@code <connection-factory>} with interface
 * {@code io.needlestack.storage.store.NeedleConnectionFactory}).
 *
 * <p>Configuration properties (all optional):
 * <ul>
 *   <li>{@code dataDirectories}: comma-separated directories; empty means
 *       {@code <system property needlestack.data, default ./data>/store}</li>
 *   <li>{@code containersPerDirectory}: container files per directory, default 8</li>
 *   <li>{@code fsyncPolicy}: {@code group} (default) or {@code none} (unsafe, benchmarks only)</li>
 *   <li>{@code minFreeBytes}: writes are refused below this much usable space, default 64 MiB</li>
 *   <li>{@code rocksdbCacheBytes}: RocksDB block cache, default 8 MiB</li>
 *   <li>{@code rocksdbWriteBufferBytes}: RocksDB memtable, default 4 MiB</li>
 *   <li>{@code spoolMemoryBytes}: PUT data up to this size is spooled in memory, default 1 MiB</li>
 *   <li>{@code groupCommitDelayMicros}: longest wait of an fsync for PUTs about to append, default 2000</li>
 *   <li>{@code compactionAutoPercent}: percent of a container that must be reclaimable for the node
 *       to compact it by itself, 0 (default) for never</li>
 *   <li>{@code compactionAutoMinBytes}: reclaimable bytes a container needs for that, default 256 MiB</li>
 *   <li>{@code compactionAutoIntervalSeconds}: seconds between two looks, default 600</li>
 * </ul>
 * Each may also be given as a system property {@code needlestack.store.<name>}, which wins over
 * the adapter's configuration (so operators can tune a node without repackaging).
 *
 * <p>An application declares the connection factory in its descriptor (resource adapter
 * {@code needle-rar} when deployed standalone, {@code #needle-rar} inside an EAR), e.g. in
 * {@code web.xml} (inside an EAR a module's descriptor, not {@code application.xml}: WildFly
 * fails on an application-level definition that names {@code #...}):
 * <pre>{@code
 * <connection-factory>
 *   <name>java:app/needlestack/NeedleStore</name>
 *   <interface-name>io.needlestack.storage.store.NeedleConnectionFactory</interface-name>
 *   <resource-adapter>needle-rar</resource-adapter>
 *   <max-pool-size>64</max-pool-size>
 *   <transaction-support>NoTransaction</transaction-support>
 * </connection-factory>
 * }</pre>
 */
@Connector(
        displayName = "Needlestack needle store",
        description = "Append-only needle containers, their RocksDB index and group-commit writers",
        vendorName = "Needlestack",
        eisType = "Needlestack needle store",
        version = "0.1.0",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction,
        reauthenticationSupport = false)
public class NeedleResourceAdapter implements ResourceAdapter, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(NeedleResourceAdapter.class.getName());
    /** Prefix of the system properties that override the configuration properties. */
    public static final String SYSTEM_PROPERTY_PREFIX = "needlestack.store.";

    @ConfigProperty(description = "Comma-separated data directories; empty: <needlestack.data or ./data>/store")
    private String dataDirectories = "";

    @ConfigProperty(defaultValue = "8", description = "Container files per data directory")
    private Integer containersPerDirectory = EngineConfig.DEFAULT_CONTAINERS_PER_DIRECTORY;

    @ConfigProperty(defaultValue = "group", description = "group (fsync before acknowledging, shared) or none (unsafe)")
    private String fsyncPolicy = "group";

    @ConfigProperty(defaultValue = "67108864", description = "Writes are refused below this many usable bytes")
    private Long minFreeBytes = EngineConfig.DEFAULT_MIN_FREE_BYTES;

    @ConfigProperty(defaultValue = "8388608", description = "RocksDB block cache bytes")
    private Long rocksdbCacheBytes = EngineConfig.DEFAULT_ROCKSDB_CACHE_BYTES;

    @ConfigProperty(defaultValue = "4194304", description = "RocksDB write buffer bytes")
    private Long rocksdbWriteBufferBytes = EngineConfig.DEFAULT_ROCKSDB_WRITE_BUFFER_BYTES;

    @ConfigProperty(defaultValue = "1048576", description = "PUT data up to this size is spooled in memory")
    private Integer spoolMemoryBytes = EngineConfig.DEFAULT_SPOOL_MEMORY_BYTES;

    @ConfigProperty(defaultValue = "2000", description = "Longest wait, in microseconds, of an fsync for PUTs about to append")
    private Long groupCommitDelayMicros = EngineConfig.DEFAULT_GROUP_COMMIT_DELAY_MICROS;

    @ConfigProperty(defaultValue = "0", description = "Percent of a container that must be reclaimable for the node to"
            + " compact it by itself; 0 turns automatic compaction off")
    private Integer compactionAutoPercent = 0;

    @ConfigProperty(defaultValue = "268435456", description = "Reclaimable bytes a container needs for automatic compaction")
    private Long compactionAutoMinBytes = EngineConfig.DEFAULT_AUTO_COMPACTION_MIN_BYTES;

    @ConfigProperty(defaultValue = "600", description = "Seconds between two looks of automatic compaction")
    private Long compactionAutoIntervalSeconds = EngineConfig.DEFAULT_AUTO_COMPACTION_INTERVAL_SECONDS;

    private transient volatile NeedleEngine engine;

    /** Opens the engine. */
    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        EngineConfig config;
        try {
            config = engineConfig();
        } catch (IllegalArgumentException e) {
            throw new ResourceAdapterInternalException("invalid needle store configuration: " + e.getMessage(), e);
        }
        try {
            engine = NeedleEngine.open(config);
        } catch (NeedleStoreException e) {
            throw new ResourceAdapterInternalException("cannot open the needle store: " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "needle store started on {0} ({1} containers per directory, fsync {2})",
                new Object[] {config.dataDirectories(), config.containersPerDirectory(), config.fsyncPolicy()});
    }

    /** Closes the engine: waits for running calls, releases files and RocksDB's lock. */
    @Override
    public void stop() {
        NeedleEngine e = engine;
        engine = null;
        if (e != null) {
            e.close();
            LOG.info("needle store stopped");
        }
    }

    /** The engine, while started. */
    NeedleEngine engine() {
        NeedleEngine e = engine;
        if (e == null || e.isClosed()) {
            throw new StoreUnavailableException("the needle store resource adapter is not started");
        }
        return e;
    }

    /** The engine configuration these properties (and system property overrides) describe. */
    EngineConfig engineConfig() {
        String dirs = setting("dataDirectories", dataDirectories);
        List<Path> paths = Arrays.stream(dirs == null ? new String[0] : dirs.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
        if (paths.isEmpty()) {
            paths = List.of(Path.of(System.getProperty("needlestack.data", "data")).resolve("store"));
        }
        return new EngineConfig(paths.stream().map(p -> p.toAbsolutePath().normalize()).toList(),
                Integer.parseInt(setting("containersPerDirectory", containersPerDirectory)),
                FsyncPolicy.parse(setting("fsyncPolicy", fsyncPolicy)),
                Long.parseLong(setting("minFreeBytes", minFreeBytes)),
                Integer.parseInt(setting("spoolMemoryBytes", spoolMemoryBytes)),
                Long.parseLong(setting("rocksdbCacheBytes", rocksdbCacheBytes)),
                Long.parseLong(setting("rocksdbWriteBufferBytes", rocksdbWriteBufferBytes)),
                Long.parseLong(setting("groupCommitDelayMicros", groupCommitDelayMicros)),
                io.needlestack.storage.container.FileLayer.system(),
                new EngineConfig.AutoCompaction(
                        Integer.parseInt(setting("compactionAutoPercent", compactionAutoPercent)) / 100.0,
                        Long.parseLong(setting("compactionAutoMinBytes", compactionAutoMinBytes)),
                        Long.parseLong(setting("compactionAutoIntervalSeconds", compactionAutoIntervalSeconds))));
    }

    private static String setting(String name, Object configured) {
        String s = System.getProperty(SYSTEM_PROPERTY_PREFIX + name);
        if (s != null) {
            return s.trim();
        }
        return configured == null ? null : configured.toString().trim();
    }

    /** Message endpoints are not supported: this adapter is outbound only. */
    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        throw new NotSupportedException("the needle store adapter has no inbound side");
    }

    /** Nothing to deactivate. */
    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
    }

    /** No transactions, so no XA resources. */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    /** Data directories (comma-separated). */
    public String getDataDirectories() {
        return dataDirectories;
    }

    /** Sets the data directories (comma-separated). */
    public void setDataDirectories(String dataDirectories) {
        this.dataDirectories = dataDirectories;
    }

    /** Containers per directory. */
    public Integer getContainersPerDirectory() {
        return containersPerDirectory;
    }

    /** Sets the containers per directory. */
    public void setContainersPerDirectory(Integer containersPerDirectory) {
        this.containersPerDirectory = containersPerDirectory;
    }

    /** fsync policy. */
    public String getFsyncPolicy() {
        return fsyncPolicy;
    }

    /** Sets the fsync policy ({@code group} or {@code none}). */
    public void setFsyncPolicy(String fsyncPolicy) {
        this.fsyncPolicy = fsyncPolicy;
    }

    /** Free bytes kept. */
    public Long getMinFreeBytes() {
        return minFreeBytes;
    }

    /** Sets the free bytes kept. */
    public void setMinFreeBytes(Long minFreeBytes) {
        this.minFreeBytes = minFreeBytes;
    }

    /** RocksDB block cache bytes. */
    public Long getRocksdbCacheBytes() {
        return rocksdbCacheBytes;
    }

    /** Sets the RocksDB block cache bytes. */
    public void setRocksdbCacheBytes(Long rocksdbCacheBytes) {
        this.rocksdbCacheBytes = rocksdbCacheBytes;
    }

    /** RocksDB write buffer bytes. */
    public Long getRocksdbWriteBufferBytes() {
        return rocksdbWriteBufferBytes;
    }

    /** Sets the RocksDB write buffer bytes. */
    public void setRocksdbWriteBufferBytes(Long rocksdbWriteBufferBytes) {
        this.rocksdbWriteBufferBytes = rocksdbWriteBufferBytes;
    }

    /** In-memory spool limit. */
    public Integer getSpoolMemoryBytes() {
        return spoolMemoryBytes;
    }

    /** Sets the in-memory spool limit. */
    public void setSpoolMemoryBytes(Integer spoolMemoryBytes) {
        this.spoolMemoryBytes = spoolMemoryBytes;
    }

    /** Group-commit delay in microseconds. */
    public Long getGroupCommitDelayMicros() {
        return groupCommitDelayMicros;
    }

    /** Sets the group-commit delay in microseconds. */
    public void setGroupCommitDelayMicros(Long groupCommitDelayMicros) {
        this.groupCommitDelayMicros = groupCommitDelayMicros;
    }

    /** Percent of a container that must be reclaimable for automatic compaction; 0 for off. */
    public Integer getCompactionAutoPercent() {
        return compactionAutoPercent;
    }

    /** Sets the percent of a container that must be reclaimable for automatic compaction; 0 for off. */
    public void setCompactionAutoPercent(Integer compactionAutoPercent) {
        this.compactionAutoPercent = compactionAutoPercent;
    }

    /** Reclaimable bytes a container needs for automatic compaction. */
    public Long getCompactionAutoMinBytes() {
        return compactionAutoMinBytes;
    }

    /** Sets the reclaimable bytes a container needs for automatic compaction. */
    public void setCompactionAutoMinBytes(Long compactionAutoMinBytes) {
        this.compactionAutoMinBytes = compactionAutoMinBytes;
    }

    /** Seconds between two looks of automatic compaction. */
    public Long getCompactionAutoIntervalSeconds() {
        return compactionAutoIntervalSeconds;
    }

    /** Sets the seconds between two looks of automatic compaction. */
    public void setCompactionAutoIntervalSeconds(Long compactionAutoIntervalSeconds) {
        this.compactionAutoIntervalSeconds = compactionAutoIntervalSeconds;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NeedleResourceAdapter r)) {
            return false;
        }
        return Objects.equals(dataDirectories, r.dataDirectories)
                && Objects.equals(containersPerDirectory, r.containersPerDirectory)
                && Objects.equals(fsyncPolicy, r.fsyncPolicy) && Objects.equals(minFreeBytes, r.minFreeBytes)
                && Objects.equals(rocksdbCacheBytes, r.rocksdbCacheBytes)
                && Objects.equals(rocksdbWriteBufferBytes, r.rocksdbWriteBufferBytes)
                && Objects.equals(spoolMemoryBytes, r.spoolMemoryBytes)
                && Objects.equals(groupCommitDelayMicros, r.groupCommitDelayMicros)
                && Objects.equals(compactionAutoPercent, r.compactionAutoPercent)
                && Objects.equals(compactionAutoMinBytes, r.compactionAutoMinBytes)
                && Objects.equals(compactionAutoIntervalSeconds, r.compactionAutoIntervalSeconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataDirectories, containersPerDirectory, fsyncPolicy, minFreeBytes);
    }
}
