package org.multitag.serve.http;

import java.util.List;

/**
 * The server's routes: one method and one exact path each. The table {@code /openapi.json} describes and the test
 * checks it against; a path not here is a 404, a known path with another method a 405.
 */
enum Route {
    TAG("POST", "/v1/tag", true),
    EMBED("POST", "/v1/embed", true),
    TOKENIZE("POST", "/v1/tokenize", true),
    MODEL("GET", "/v1/model", false),
    HEALTH("GET", "/health", false),
    READY("GET", "/ready", false),
    METRICS("GET", "/metrics", false),
    OPENAPI("GET", "/openapi.json", false);

    final String method;
    final String path;
    /** Whether the route does model work, refused with 503 while the server drains. */
    final boolean work;

    Route(String method, String path, boolean work) {
        this.method = method;
        this.path = path;
        this.work = work;
    }

    /** The route at {@code path} (any method), or null. */
    static Route at(String path) {
        for (Route r : values()) {
            if (r.path.equals(path)) {
                return r;
            }
        }
        return null;
    }

    /** Every route, for the OpenAPI check. */
    static List<Route> all() {
        return List.of(values());
    }
}
