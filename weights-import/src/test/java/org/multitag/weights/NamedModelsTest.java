package org.multitag.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the named-model cache lives: MULTITAG_HOME, then XDG_CACHE_HOME, then the home folder. */
class NamedModelsTest {

    private static Path home(Map<String, String> env) {
        return NamedModels.cacheHome(env::get, "/from-user-home");
    }

    @Test
    void cacheHomeTakesMultitagHomeThenXdgCacheHomeThenHome() {
        Map<String, String> env = new HashMap<>(Map.of("MULTITAG_HOME", "/m", "XDG_CACHE_HOME", "/x", "HOME", "/h"));
        assertEquals(Path.of("/m"), home(env));
        env.remove("MULTITAG_HOME");
        assertEquals(Path.of("/x/multitag"), home(env));
        env.remove("XDG_CACHE_HOME");
        assertEquals(Path.of("/h/.cache/multitag"), home(env));
        env.remove("HOME");
        assertEquals(Path.of("/from-user-home/.cache/multitag"), home(env));
    }

    @Test
    void emptyAndRelativeValuesAreSkipped() {
        // empty counts as unset; a relative XDG_CACHE_HOME is invalid under the XDG rule and ignored
        assertEquals(Path.of("/x/multitag"), home(Map.of("MULTITAG_HOME", " ", "XDG_CACHE_HOME", "/x", "HOME", "/h")));
        assertEquals(Path.of("/h/.cache/multitag"), home(Map.of("XDG_CACHE_HOME", "", "HOME", "/h")));
        assertEquals(Path.of("/h/.cache/multitag"), home(Map.of("XDG_CACHE_HOME", "cache", "HOME", "/h")));
        // MULTITAG_HOME is taken as given, relative or not
        assertEquals(Path.of("rel"), home(Map.of("MULTITAG_HOME", "rel", "XDG_CACHE_HOME", "/x")));
    }

    @Test
    void namedModelsLiveUnderModelsInTheCacheHome() {
        NamedModels m = new NamedModels(home(Map.of("XDG_CACHE_HOME", "/x")), Path.of("/repo"));
        assertEquals(Path.of("/x/multitag/models/minilm-l6"), m.folder("minilm-l6"));
    }
}
