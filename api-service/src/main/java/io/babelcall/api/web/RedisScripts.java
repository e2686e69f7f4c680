package io.babelcall.api.web;

import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Helpers for Lua scripts that return a table: the reactive driver may emit it whole or element by element. */
public final class RedisScripts {

    private RedisScripts() {
    }

    @SuppressWarnings("rawtypes")
    public static Mono<List<Object>> results(Flux<List> reply) {
        return reply.cast(Object.class).collectList().map(items -> {
            if (items.size() == 1 && items.get(0) instanceof List<?> whole) {
                return new ArrayList<Object>(whole);
            }
            List<Object> flat = new ArrayList<>();
            for (Object item : items) {
                if (item instanceof List<?> part) {
                    flat.addAll(part);
                } else {
                    flat.add(item);
                }
            }
            return flat;
        });
    }

    public static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    }
}
