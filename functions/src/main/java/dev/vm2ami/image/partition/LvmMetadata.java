package dev.vm2ami.image.partition;

import dev.vm2ami.image.read.StructureException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LVM2's text metadata (the format of {@code vgcfgbackup} files and of the metadata areas on each
 * physical volume): {@code name = value} and {@code name { ... }}, values being strings, integers
 * or lists of them, {@code #} comments. Parsed with bounded depth, items and text length.
 */
public final class LvmMetadata {
    private static final int MAX_DEPTH = 16;
    private static final int MAX_ITEMS = 1 << 16;
    public static final int MAX_TEXT = 4 << 20;

    /** A section: its values (String, Long or List of them) and subsections, in file order. */
    public record Section(String name, Map<String, Object> values, Map<String, Section> sections) {
        public Optional<String> string(String key) {
            return values.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
        }

        public Optional<Long> number(String key) {
            return values.get(key) instanceof Long n ? Optional.of(n) : Optional.empty();
        }

        public List<?> list(String key) {
            return values.get(key) instanceof List<?> l ? l : List.of();
        }

        public Optional<Section> section(String key) {
            return Optional.ofNullable(sections.get(key));
        }

        public long required(String key) throws StructureException {
            return number(key).orElseThrow(() -> StructureException.corrupt("LVM metadata: section " + name + " has no number " + key));
        }
    }

    private final String text;
    private int pos;
    private int items;

    private LvmMetadata(String text) {
        this.text = text;
    }

    public static Section parse(String text) throws StructureException {
        if (text.length() > MAX_TEXT) throw StructureException.limit("LVM metadata of " + text.length() + " characters");
        LvmMetadata p = new LvmMetadata(text);
        Section root = p.section("", 0);
        p.skipSpace();
        if (p.pos < text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "'");
        return root;
    }

    private Section section(String name, int depth) throws StructureException {
        if (depth > MAX_DEPTH) throw error("sections nested deeper than " + MAX_DEPTH);
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Section> sections = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (pos >= text.length()) {
                if (depth > 0) throw error("section " + name + " is not closed");
                break;
            }
            if (text.charAt(pos) == '}') {
                if (depth == 0) throw error("'}' without a section");
                pos++;
                break;
            }
            if (++items > MAX_ITEMS) throw StructureException.limit("LVM metadata with more than " + MAX_ITEMS + " items");
            String key = identifier();
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == '{') {
                pos++;
                sections.put(key, section(key, depth + 1));
            } else if (pos < text.length() && text.charAt(pos) == '=') {
                pos++;
                values.put(key, value(true));
            } else {
                throw error("'=' or '{' expected after " + key);
            }
        }
        return new Section(name, values, sections);
    }

    private Object value(boolean listAllowed) throws StructureException {
        skipSpace();
        if (pos >= text.length()) throw error("a value expected");
        char c = text.charAt(pos);
        if (c == '"') return string();
        if (c == '[' && listAllowed) {
            pos++;
            List<Object> list = new ArrayList<>();
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                if (++items > MAX_ITEMS) throw StructureException.limit("LVM metadata with more than " + MAX_ITEMS + " items");
                list.add(value(false));
                skipSpace();
                if (pos >= text.length()) throw error("a list is not closed");
                char d = text.charAt(pos++);
                if (d == ']') return list;
                if (d != ',') throw error("',' or ']' expected in a list");
            }
        }
        return number();
    }

    private String string() throws StructureException {
        StringBuilder s = new StringBuilder();
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') return s.toString();
            if (c == '\\' && pos < text.length()) c = text.charAt(pos++);
            s.append(c);
        }
        throw error("a string is not closed");
    }

    private Long number() throws StructureException {
        int start = pos;
        if (pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) pos++;
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) pos++;
        String n = text.substring(start, pos);
        try {
            return n.contains(".") ? (long) Double.parseDouble(n) : Long.parseLong(n);
        } catch (NumberFormatException e) {
            throw error("a number expected, found '" + n + "'");
        }
    }

    private String identifier() throws StructureException {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '+' || c == '-') pos++;
            else break;
        }
        if (pos == start) throw error("a name expected");
        return text.substring(start, pos);
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') pos++;
            } else if (Character.isWhitespace(c) || c == 0) {
                pos++;
            } else {
                return;
            }
        }
    }

    private StructureException error(String what) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) if (text.charAt(i) == '\n') line++;
        return StructureException.corrupt("LVM metadata, line " + line + ": " + what);
    }
}
