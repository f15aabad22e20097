package org.multitag.tools.brown;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Casts a raw Brown corpus tag (as in NLTK's "Form C" tagged Brown, e.g. {@code np-tl}, {@code ppss+ber},
 * {@code md*}, {@code fw-nn$}) into a set of labels for multi-label token classification.
 *
 * <h2>Label kinds</h2>
 * <ul>
 *   <li><b>Stems</b>, one per word class: {@code NN VB BE DO HV MD TO JJ RB RP QL QLP PP PN EX AT AP ABL ABN DT
 *       CD OD CC CS IN UH PUNCT X}.</li>
 *   <li><b>Features</b>, {@code Key=Value}, UD-style names where UD has one: {@code Number=Sing|Plur},
 *       {@code Person=1|3}, {@code Tense=Past|Pres}, {@code VerbForm=Base|Fin|Ger|Part},
 *       {@code Degree=Pos|Cmp|Sup}, {@code SupType=Sem}, {@code NounType=Prop|Adv}, {@code Case=Nom|Acc},
 *       {@code Reflex=Yes}, {@code PossType=Indep}, {@code PronType=Wh},
 *       {@code PunctType=Peri|Comm|Colo|Brck|Dash|Quot}, {@code PunctSide=Ini|Fin}.</li>
 *   <li><b>Flags</b> from Brown's tag affixes: {@code FW} ({@code fw-} prefix, foreign word), {@code POSS}
 *       ({@code $}, possessive), {@code NEG} ({@code *}, negated), {@code TL} ({@code -tl}, word in a title),
 *       {@code HL} ({@code -hl}, word in a headline), {@code NC} ({@code -nc}, cited word).</li>
 * </ul>
 *
 * <h2>Base tags</h2>
 * {@link #BASE} maps each of the 81 base tags that occur in the corpus (Brown's tagset, plus {@code nil} for the
 * tokens the corpus left untagged) to its label list; the table, with meanings and token counts, is also printed
 * in {@code data/brown/README.md}. Summary:
 * <pre>
 * nn   NN Number=Sing                      nns  NN Number=Plur
 * np   NN NounType=Prop Number=Sing        nps  NN NounType=Prop Number=Plur
 * nr   NN NounType=Adv Number=Sing         nrs  NN NounType=Adv Number=Plur
 * vb   VB VerbForm=Base                    vbd  VB VerbForm=Fin Tense=Past
 * vbg  VB VerbForm=Ger                     vbn  VB VerbForm=Part Tense=Past
 * vbz  VB VerbForm=Fin Tense=Pres Person=3 Number=Sing
 * be / do / hv          BE|DO|HV VerbForm=Base
 * bed / dod / hvd       ... VerbForm=Fin Tense=Past          bedz  BE VerbForm=Fin Tense=Past Number=Sing
 * bez / doz / hvz       ... VerbForm=Fin Tense=Pres Person=3 Number=Sing
 * bem  BE VerbForm=Fin Tense=Pres Person=1 Number=Sing     ber  BE VerbForm=Fin Tense=Pres
 * beg / hvg             ... VerbForm=Ger                      ben / hvn  ... VerbForm=Part Tense=Past
 * md   MD VerbForm=Fin                     to   TO
 * jj   JJ Degree=Pos    jjr  JJ Degree=Cmp    jjt  JJ Degree=Sup    jjs  JJ Degree=Sup SupType=Sem
 * rb   RB Degree=Pos    rbr  RB Degree=Cmp    rbt  RB Degree=Sup    rn   RB    wrb  RB PronType=Wh
 * rp   RP                                  *    RB NEG (not, n't)
 * ql   QL               qlp  QLP           wql  QL PronType=Wh
 * pps  PP Case=Nom Person=3 Number=Sing    ppss PP Case=Nom          ppo  PP Case=Acc
 * ppl  PP Reflex=Yes Number=Sing           ppls PP Reflex=Yes Number=Plur
 * pp$  PP POSS                             pp$$ PP POSS PossType=Indep
 * pn   PN        wps  PN PronType=Wh Case=Nom    wpo  PN PronType=Wh Case=Acc    wp$  PN PronType=Wh POSS
 * ex   EX        at   AT        ap   AP        abl  ABL       abn  ABN       abx  ABN CC
 * dt   DT Number=Sing    dts  DT Number=Plur    dti  DT    dtx  DT CC    wdt  DT PronType=Wh
 * cd   CD        od   OD        cc   CC        cs   CS        in   IN        uh   UH        nil  X
 * .    PUNCT PunctType=Peri     ,    PUNCT PunctType=Comm     :    PUNCT PunctType=Colo
 * (    PUNCT PunctType=Brck PunctSide=Ini   )    PUNCT PunctType=Brck PunctSide=Fin
 * --   PUNCT PunctType=Dash     '    PUNCT PunctType=Quot
 * ``   PUNCT PunctType=Quot PunctSide=Ini   ''   PUNCT PunctType=Quot PunctSide=Fin
 * </pre>
 * No two base tags share a label set, so the labels of a tag that is not a compound give the raw tag back
 * (compounds can meet: {@code pps+bez} and {@code ppss+bez}, {@code in+in} and {@code in}; the corpus's 472 raw
 * tags give 462 label sets). Brown's {@code abx} (both) and {@code dtx} (either, neither) are documented as
 * "pre-quantifier / determiner <i>and</i> double conjunction", so they carry {@code CC} as well.
 * {@code vb}, {@code do} and {@code hv} are Brown's base forms (infinitive, imperative, subjunctive and
 * non-3rd-singular present are not told apart), hence {@code VerbForm=Base} rather than {@code Inf}. {@code bed}
 * (were) and {@code ber} (are) carry no number because Brown uses them for 2nd-person singular too. {@code rn}
 * (nominal adverb: here, then, afar; 9 tokens) is a documented Brown tag and is cast as plain {@code RB}.
 * {@code nil} marks tokens the corpus left untagged.
 *
 * <h2>Parsing a raw tag</h2>
 * The tag is lower-cased and split on {@code +} into parts (contractions such as {@code ppss+ber} "we're" and
 * {@code pps+hvz} "he's" have two or three parts). Each part is read as follows:
 * <ol>
 *   <li>A leading {@code fw-} adds {@code FW} and is removed.</li>
 *   <li>Repeat until the rest is a base tag: remove a trailing {@code -tl}, {@code -hl} or {@code -nc} (adds
 *       {@code TL}, {@code HL}, {@code NC}); a trailing {@code *} (adds {@code NEG}); a trailing {@code $} (adds
 *       {@code POSS}). So {@code nns$-tl-hl} → {@code nns} + POSS, TL, HL and {@code ber*-nc} → {@code ber} +
 *       NEG, NC.</li>
 *   <li><b>Fallback 1</b>, unknown suffix: a trailing {@code -xyz} that is not a flag is dropped and the base
 *       kept ({@code at-t} → {@code at}, {@code ber-n} → {@code ber}).</li>
 *   <li><b>Fallback 2</b>, unknown base: if every base tag that starts with it has the same stem, that stem alone
 *       ({@code pp} in {@code wdt+ber+pp} "whaddya" → {@code PP}); otherwise the labels of the longest base tag
 *       that is a prefix of it; otherwise {@code X}.</li>
 * </ol>
 * The token's labels are the union over the parts, in order of first appearance, then the flags in the order
 * {@code FW POSS NEG TL HL NC} (a flag that the table itself gives, as {@code POSS} for {@code pp$} or {@code NEG}
 * for {@code *}, keeps its place in the table's list). Every use of a fallback is reported in
 * {@link Cast#fallbacks()} so callers can count them. The cast is a pure function of the tag string.
 */
final class BrownTags {

    /** Flag for Brown's {@code fw-} prefix: foreign word. */
    public static final String FW = "FW";
    /** Flag for Brown's {@code $}: possessive. */
    public static final String POSS = "POSS";
    /** Flag for Brown's {@code *}: negated (not, n't). */
    public static final String NEG = "NEG";
    /** Flag for Brown's {@code -tl}: word in a title. */
    public static final String TL = "TL";
    /** Flag for Brown's {@code -hl}: word in a headline. */
    public static final String HL = "HL";
    /** Flag for Brown's {@code -nc}: cited word. */
    public static final String NC = "NC";
    /** The flags, in the order they are appended to a label list. */
    public static final List<String> FLAGS = List.of(FW, POSS, NEG, TL, HL, NC);
    /** The label for tokens whose tag cannot be read at all. */
    public static final String UNKNOWN = "X";

    /** One row of the base-tag table. */
    public record Row(String tag, List<String> labels, String meaning) {}

    /** The base-tag table, in the order of {@link #ROWS}. Keys are lower-case raw base tags. */
    public static final Map<String, List<String>> BASE;

    /** The base-tag table with a short meaning (Brown tagset documentation) and examples for each row. */
    public static final List<Row> ROWS;

    static {
        String[][] t = {
            // tag, labels, meaning
            {"nn", "NN Number=Sing", "singular or mass noun (time, world)"},
            {"nns", "NN Number=Plur", "plural noun (years, men)"},
            {"np", "NN NounType=Prop Number=Sing", "proper noun or part of a name (Fulton, Jr.)"},
            {"nps", "NN NounType=Prop Number=Plur", "plural proper noun (Americans, Yankees)"},
            {"nr", "NN NounType=Adv Number=Sing", "adverbial noun (home, today, west, Friday)"},
            {"nrs", "NN NounType=Adv Number=Plur", "plural adverbial noun (Sundays)"},
            {"vb", "VB VerbForm=Base", "verb, base form (take, go)"},
            {"vbd", "VB VerbForm=Fin Tense=Past", "verb, past tense (said, took)"},
            {"vbg", "VB VerbForm=Ger", "verb, present participle or gerund (taking)"},
            {"vbn", "VB VerbForm=Part Tense=Past", "verb, past participle (taken)"},
            {"vbz", "VB VerbForm=Fin Tense=Pres Person=3 Number=Sing", "verb, 3rd singular present (takes)"},
            {"be", "BE VerbForm=Base", "be"},
            {"bed", "BE VerbForm=Fin Tense=Past", "were"},
            {"bedz", "BE VerbForm=Fin Tense=Past Number=Sing", "was"},
            {"beg", "BE VerbForm=Ger", "being"},
            {"bem", "BE VerbForm=Fin Tense=Pres Person=1 Number=Sing", "am"},
            {"ben", "BE VerbForm=Part Tense=Past", "been"},
            {"ber", "BE VerbForm=Fin Tense=Pres", "are, art"},
            {"bez", "BE VerbForm=Fin Tense=Pres Person=3 Number=Sing", "is"},
            {"do", "DO VerbForm=Base", "do"},
            {"dod", "DO VerbForm=Fin Tense=Past", "did"},
            {"doz", "DO VerbForm=Fin Tense=Pres Person=3 Number=Sing", "does"},
            {"hv", "HV VerbForm=Base", "have"},
            {"hvd", "HV VerbForm=Fin Tense=Past", "had (past tense)"},
            {"hvg", "HV VerbForm=Ger", "having"},
            {"hvn", "HV VerbForm=Part Tense=Past", "had (past participle)"},
            {"hvz", "HV VerbForm=Fin Tense=Pres Person=3 Number=Sing", "has"},
            {"md", "MD VerbForm=Fin", "modal auxiliary (can, would, will)"},
            {"to", "TO", "infinitive marker to"},
            {"jj", "JJ Degree=Pos", "adjective (recent, big)"},
            {"jjr", "JJ Degree=Cmp", "comparative adjective (bigger)"},
            {"jjt", "JJ Degree=Sup", "morphologically superlative adjective (biggest)"},
            {"jjs", "JJ Degree=Sup SupType=Sem", "semantically superlative adjective (main, chief, top)"},
            {"rb", "RB Degree=Pos", "adverb (often, only)"},
            {"rbr", "RB Degree=Cmp", "comparative adverb (further, later)"},
            {"rbt", "RB Degree=Sup", "superlative adverb (best, most)"},
            {"rn", "RB", "nominal adverb (here, then, afar)"},
            {"wrb", "RB PronType=Wh", "wh- adverb (how, where, when)"},
            {"*", "RB NEG", "not, n't"},
            {"rp", "RP", "adverb or particle (about, off, up)"},
            {"ql", "QL", "qualifier (very, fairly)"},
            {"qlp", "QLP", "post-qualifier (enough, indeed)"},
            {"wql", "QL PronType=Wh", "wh- qualifier (how, however)"},
            {"pps", "PP Case=Nom Person=3 Number=Sing", "3rd singular nominative pronoun (he, she, it, one)"},
            {"ppss", "PP Case=Nom", "other nominative personal pronoun (I, we, they, you)"},
            {"ppo", "PP Case=Acc", "objective personal pronoun (me, him, it, them)"},
            {"ppl", "PP Reflex=Yes Number=Sing", "singular reflexive/intensive pronoun (myself)"},
            {"ppls", "PP Reflex=Yes Number=Plur", "plural reflexive/intensive pronoun (ourselves)"},
            {"pp$", "PP POSS", "possessive personal pronoun (my, our, his)"},
            {"pp$$", "PP POSS PossType=Indep", "independent possessive pronoun (mine, ours)"},
            {"pn", "PN", "nominal pronoun (one, something, nobody)"},
            {"wps", "PN PronType=Wh Case=Nom", "nominative wh- pronoun (who, which, that)"},
            {"wpo", "PN PronType=Wh Case=Acc", "objective wh- pronoun (whom, which, that)"},
            {"wp$", "PN PronType=Wh POSS", "possessive wh- pronoun (whose)"},
            {"ex", "EX", "existential there"},
            {"at", "AT", "article (the, a, an, no, every)"},
            {"ap", "AP", "post-determiner (other, many, same, last)"},
            {"abl", "ABL", "pre-qualifier (such, quite, rather)"},
            {"abn", "ABN", "pre-quantifier (all, half)"},
            {"abx", "ABN CC", "pre-quantifier / double conjunction (both)"},
            {"dt", "DT Number=Sing", "singular determiner (this, that)"},
            {"dts", "DT Number=Plur", "plural determiner (these, those)"},
            {"dti", "DT", "singular or plural determiner (some, any)"},
            {"dtx", "DT CC", "determiner / double conjunction (either, neither)"},
            {"wdt", "DT PronType=Wh", "wh- determiner (what, which)"},
            {"cd", "CD", "cardinal numeral (one, 1961)"},
            {"od", "OD", "ordinal numeral (first, 15th)"},
            {"cc", "CC", "coordinating conjunction (and, or)"},
            {"cs", "CS", "subordinating conjunction (that, if)"},
            {"in", "IN", "preposition (of, in)"},
            {"uh", "UH", "interjection (oh, yes)"},
            {"nil", "X", "left untagged in the corpus"},
            {".", "PUNCT PunctType=Peri", "sentence closer (. ; ? !)"},
            {",", "PUNCT PunctType=Comm", "comma"},
            {":", "PUNCT PunctType=Colo", "colon"},
            {"(", "PUNCT PunctType=Brck PunctSide=Ini", "left parenthesis"},
            {")", "PUNCT PunctType=Brck PunctSide=Fin", "right parenthesis"},
            {"--", "PUNCT PunctType=Dash", "dash"},
            {"``", "PUNCT PunctType=Quot PunctSide=Ini", "opening double quote"},
            {"''", "PUNCT PunctType=Quot PunctSide=Fin", "closing double quote"},
            {"'", "PUNCT PunctType=Quot", "single quote"},
        };
        Map<String, List<String>> base = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (String[] r : t) {
            List<String> labels = List.of(r[1].split(" "));
            if (base.put(r[0], labels) != null) {
                throw new ExceptionInInitializerError("duplicate base tag " + r[0]);
            }
            rows.add(new Row(r[0], labels, r[2]));
        }
        BASE = Collections.unmodifiableMap(base);
        ROWS = List.copyOf(rows);
    }

    private BrownTags() {}

    /**
     * The cast of one raw tag.
     *
     * @param tag the raw tag as given
     * @param labels the labels, without duplicates, in the order described in the class comment
     * @param bases for each {@code +}-part, the base tag of {@link #BASE} it was cast from, or {@code null} when
     *     the part's base is unknown (fallback 2)
     * @param fallbacks one note per fallback used (empty when the tag was read exactly)
     */
    public record Cast(String tag, List<String> labels, List<String> bases, List<String> fallbacks) {
        public Cast {
            labels = List.copyOf(labels);
            bases = Collections.unmodifiableList(new ArrayList<>(bases));
            fallbacks = List.copyOf(fallbacks);
        }
    }

    /** The labels of {@code rawTag}; see the class comment. */
    public static List<String> labels(String rawTag) {
        return cast(rawTag).labels();
    }

    /** Casts {@code rawTag}, reporting any fallback used. */
    public static Cast cast(String rawTag) {
        String tag = rawTag.toLowerCase(Locale.ROOT);
        Set<String> labels = new LinkedHashSet<>();
        Set<String> flags = new LinkedHashSet<>();
        List<String> fallbacks = new ArrayList<>();
        List<String> bases = new ArrayList<>();
        for (String part : tag.split("\\+", -1)) {
            String rest = strip(part, flags, fallbacks);
            if (BASE.containsKey(rest)) {
                bases.add(rest);
                labels.addAll(BASE.get(rest));
            } else {
                bases.add(null);
                labels.addAll(unknownBase(rest, part, fallbacks));
            }
        }
        for (String f : FLAGS) {
            if (flags.contains(f)) {
                labels.add(f);
            }
        }
        return new Cast(rawTag, new ArrayList<>(labels), bases, fallbacks);
    }

    /**
     * Removes the affixes of {@code part} (collecting flags, and fallback-1 notes) until a base tag is left, or
     * nothing more can be removed; returns what is left.
     */
    private static String strip(String part, Set<String> flags, List<String> fallbacks) {
        String p = part;
        if (p.startsWith("fw-") && !BASE.containsKey(p)) {
            flags.add(FW);
            p = p.substring(3);
        }
        while (!BASE.containsKey(p)) {
            if (p.endsWith("-tl")) {
                flags.add(TL);
                p = p.substring(0, p.length() - 3);
            } else if (p.endsWith("-hl")) {
                flags.add(HL);
                p = p.substring(0, p.length() - 3);
            } else if (p.endsWith("-nc")) {
                flags.add(NC);
                p = p.substring(0, p.length() - 3);
            } else if (p.length() > 1 && p.endsWith("*")) {
                flags.add(NEG);
                p = p.substring(0, p.length() - 1);
            } else if (p.length() > 1 && p.endsWith("$")) {
                flags.add(POSS);
                p = p.substring(0, p.length() - 1);
            } else {
                int dash = p.lastIndexOf('-');
                if (dash > 0 && dash < p.length() - 1 && !BASE.containsKey(p.substring(dash))) {
                    fallbacks.add("'" + part + "': dropped unknown suffix '" + p.substring(dash) + "'");
                    p = p.substring(0, dash);
                } else {
                    return p;
                }
            }
        }
        return p;
    }


    private static List<String> unknownBase(String p, String part, List<String> fallbacks) {
        if (!p.isEmpty()) {
            String stem = null;
            boolean shared = false;
            for (Map.Entry<String, List<String>> e : BASE.entrySet()) {
                if (e.getKey().startsWith(p)) {
                    String s = e.getValue().get(0);
                    if (stem == null) {
                        stem = s;
                        shared = true;
                    } else if (!stem.equals(s)) {
                        shared = false;
                    }
                }
            }
            if (shared) {
                fallbacks.add("'" + part + "': unknown base '" + p + "', kept the stem " + stem
                        + " shared by every base tag starting with it");
                return List.of(stem);
            }
            for (int end = p.length() - 1; end > 0; end--) {
                List<String> prefix = BASE.get(p.substring(0, end));
                if (prefix != null) {
                    fallbacks.add("'" + part + "': unknown base '" + p + "', kept its prefix '"
                            + p.substring(0, end) + "'");
                    return prefix;
                }
            }
        }
        fallbacks.add("'" + part + "': unreadable, cast as " + UNKNOWN);
        return List.of(UNKNOWN);
    }
}
