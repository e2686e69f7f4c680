package io.babelcall.signaling.presence;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script run by its SHA (EVALSHA), sent whole (EVAL, which also loads it) only when the server answers NOSCRIPT,
 * e.g. after a restart or on a cluster node that has not seen it yet. Every key reaches it through KEYS, so in a
 * cluster the command routes to the slot of its keys.
 */
record LuaScript(String text, String sha) {

    static LuaScript of(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(text, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    @SuppressWarnings("TypeParameterUnusedInFormals") // the same signature as Lettuce's eval/evalsha
    <T> T run(RedisClusterCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(text, type, keys, args);
        }
    }
}
