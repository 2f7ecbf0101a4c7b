package io.needlestack.manager.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.needlestack.core.internal.SecretFile;

class RootCredentialsTest {

    @TempDir
    Path data;

    @Test
    void scriptWrittenFileIsRead() throws Exception {
        Files.writeString(data.resolve(RootCredentials.FILE_NAME), "# from NEEDLESTACK_ROOT_*\naccess_key=ROOTKEY\nsecret_key = s3cret/with+chars \n");
        assertEquals(new RootCredentials("ROOTKEY", "s3cret/with+chars"), RootCredentials.loadOrCreate(data));
    }

    @Test
    void absentFileIsGeneratedOnceOwnerOnly() throws Exception {
        RootCredentials first = RootCredentials.loadOrCreate(data);
        assertTrue(first.accessKey().matches("NS[A-Z2-7]{18}"), first.accessKey());
        assertTrue(first.secretKey().matches("[A-Za-z0-9+/]{40}"));
        assertEquals(first, RootCredentials.loadOrCreate(data));
        String perms = SecretFile.permissions(data.resolve(RootCredentials.FILE_NAME));
        if (!perms.isEmpty()) {
            assertEquals("rw-------", perms);
        }
    }

    @Test
    void incompleteFileIsRefused() throws Exception {
        Files.writeString(data.resolve(RootCredentials.FILE_NAME), "access_key=ONLYKEY\n");
        assertThrows(IllegalStateException.class, () -> RootCredentials.loadOrCreate(data));
    }

    @Test
    void secretNeverInToString() {
        assertTrue(!new RootCredentials("AK", "topsecret").toString().contains("topsecret"));
    }
}
