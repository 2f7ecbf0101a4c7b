package io.needlestack.manager.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.needlestack.core.config.NodeConfig;

class PayaraClusterTest {

    @Test
    void baseUrlFollowsBindAddressAndPort() {
        assertEquals("http://127.0.0.1:8080", PayaraCluster.baseUrl(NodeConfig.of(Map.of())));
        assertEquals("http://10.0.0.5:9000", PayaraCluster.baseUrl(NodeConfig.of(
                Map.of("needlestack.bind", "10.0.0.5", "needlestack.http.port", "9000"))));
        assertEquals("http://[fd00::1]:8080", PayaraCluster.baseUrl(NodeConfig.of(Map.of("needlestack.bind", "fd00::1"))));
    }

    @Test
    void wildcardBindPublishesAReachableAddress() {
        String url = PayaraCluster.baseUrl(NodeConfig.of(Map.of("needlestack.bind", "0.0.0.0")));
        assertTrue(url.startsWith("http://") && !url.contains("0.0.0.0"), url);
    }
}
