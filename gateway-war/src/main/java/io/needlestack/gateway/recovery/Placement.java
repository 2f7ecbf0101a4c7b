package io.needlestack.gateway.recovery;

import io.needlestack.core.ring.Token;
import io.needlestack.storage.store.NeedleKey;
import io.needlestack.storage.store.NeedleKind;

/**
 * Where the ring places a needle: an object by {@code bucket/name}, every other kind by
 * {@code bucket/KIND/name} (each kind its own namespace), exactly as the replicated storage does.
 */
final class Placement {

    private Placement() {
    }

    /** The name the ring hashes for a key. */
    static String ringName(NeedleKey key) {
        return key.kind() == NeedleKind.OBJECT ? key.name() : key.kind().name() + "/" + key.name();
    }

    /** The ring position of a key. */
    static Token token(NeedleKey key) {
        return Token.of(key.bucket(), ringName(key));
    }
}
