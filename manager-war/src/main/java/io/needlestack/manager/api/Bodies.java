package io.needlestack.manager.api;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import io.needlestack.core.account.AccountException;

/** Reading request bodies: JSON objects, where a malformed body is a 400 {@code MalformedJSON}. */
final class Bodies {

    private Bodies() {
    }

    static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            return JsonObject.EMPTY_JSON_OBJECT;
        }
        try (JsonReader r = Json.createReader(new StringReader(body))) {
            return r.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new AccountException("MalformedJSON", "the body is not a JSON object");
        }
    }

    static String string(JsonObject o, String field) {
        try {
            return o.containsKey(field) && !o.isNull(field) ? o.getString(field) : null;
        } catch (ClassCastException e) {
            throw new AccountException("InvalidArgument", field + " must be a string");
        }
    }
}
