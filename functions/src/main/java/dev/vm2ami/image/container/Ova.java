package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.read.Region;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

/**
 * An OVA: a tar archive whose first member is the OVF descriptor. Walks the member headers (one
 * 512-byte read each, never the data), parses the descriptor's References and DiskSection, and
 * pairs each disk with its member so the caller can inspect the disks themselves.
 */
public final class Ova {
    public static final int MAX_VOLUMES = 21;
    private static final int MAX_MEMBERS = 256;
    private static final int MAX_OVF_BYTES = 1024 * 1024;
    private static final int MAX_PAX_BYTES = 64 * 1024;

    public record Member(String name, long offset, long size) {
    }

    /** A disk the descriptor lists, and the archive member holding it when there is one. */
    public record Disk(String id, String href, long capacity, Optional<Member> member) {
    }

    public record Contents(List<Disk> disks, List<Finding> findings) {
    }

    private Ova() {}

    public static Contents open(Region image) throws IOException {
        List<Finding> findings = new ArrayList<>();
        List<Member> members = members(image, findings);
        if (members.isEmpty()) {
            if (findings.isEmpty()) findings.add(FindingCode.OVA_CORRUPT.finding("it has no members"));
            return new Contents(List.of(), findings);
        }
        Member first = members.get(0);
        if (!first.name().toLowerCase(Locale.ROOT).endsWith(".ovf")) {
            findings.add(FindingCode.OVA_OVF_NOT_FIRST.finding(first.name()));
            return new Contents(List.of(), findings);
        }
        if (first.size() > MAX_OVF_BYTES) {
            findings.add(FindingCode.OVA_OVF_INVALID.finding(first.name(), "it is " + first.size() + " bytes, more than any OVF descriptor needs"));
            return new Contents(List.of(), findings);
        }
        String xml = new String(image.read(first.offset(), (int) first.size()), StandardCharsets.UTF_8);
        Document ovf;
        try {
            ovf = parse(xml);
        } catch (Exception e) {
            findings.add(FindingCode.OVA_OVF_INVALID.finding(first.name(), String.valueOf(e.getMessage()).strip()));
            return new Contents(List.of(), findings);
        }
        Map<String, String> files = new HashMap<>();
        NodeList fileNodes = ovf.getElementsByTagNameNS("*", "File");
        for (int i = 0; i < fileNodes.getLength(); i++) {
            Element f = (Element) fileNodes.item(i);
            files.put(attr(f, "id"), attr(f, "href"));
        }
        Map<String, Member> byName = new HashMap<>();
        for (Member m : members) byName.putIfAbsent(m.name(), m);
        List<Disk> disks = new ArrayList<>();
        NodeList diskNodes = ovf.getElementsByTagNameNS("*", "Disk");
        for (int i = 0; i < diskNodes.getLength(); i++) {
            Element d = (Element) diskNodes.item(i);
            String href = files.getOrDefault(attr(d, "fileRef"), "");
            Optional<Member> member = Optional.ofNullable(byName.get(href))
                    .or(() -> Optional.ofNullable(byName.get(href.substring(href.lastIndexOf('/') + 1))));
            disks.add(new Disk(attr(d, "diskId"), href, capacity(attr(d, "capacity"), attr(d, "capacityAllocationUnits")), member));
        }
        if (disks.isEmpty()) findings.add(FindingCode.OVA_NO_DISKS.finding());
        if (disks.size() > MAX_VOLUMES) findings.add(FindingCode.OVA_TOO_MANY_DISKS.finding(disks.size()));
        for (Disk d : disks) {
            if (d.member().isEmpty()) findings.add(FindingCode.OVA_DISK_MISSING.finding(d.id(), d.href()));
        }
        return new Contents(disks, findings);
    }

    /** The regular files in the archive, from their headers (ustar, pax and GNU long names). */
    private static List<Member> members(Region image, List<Finding> findings) throws IOException {
        List<Member> out = new ArrayList<>();
        long pos = 0;
        String longName = null;
        long paxSize = -1;
        for (int n = 0; n < MAX_MEMBERS * 2 && out.size() < MAX_MEMBERS; n++) {
            byte[] h = image.read(pos, 512);
            if (h.length < 512 || Bytes.allZero(h, 0, 512)) break;
            if (!checksumMatches(h)) {
                findings.add(FindingCode.OVA_CORRUPT.finding("the header at byte " + pos + " has a wrong checksum"));
                break;
            }
            long size = paxSize >= 0 ? paxSize : size(h);
            if (size < 0) {
                findings.add(FindingCode.OVA_CORRUPT.finding("the header at byte " + pos + " gives no valid size"));
                break;
            }
            char type = (char) h[156];
            String name = longName != null ? longName : name(h);
            long data = pos + 512;
            if (data + size > image.length()) {
                findings.add(FindingCode.IMAGE_TRUNCATED.finding("the OVA member '" + name + "' needs " + size
                        + " bytes from byte " + data + " but the archive ends at byte " + image.length()));
            }
            longName = null;
            paxSize = -1;
            if (type == 'x' || type == 'L') {
                String text = new String(image.read(data, (int) Math.min(size, MAX_PAX_BYTES)), StandardCharsets.UTF_8);
                if (type == 'L') {
                    longName = text.replace("\0", "");
                } else {
                    Map<String, String> pax = pax(text);
                    longName = pax.get("path");
                    paxSize = parseLong(pax.get("size"));
                }
            } else if (type == '0' || type == '\0' || type == '7') {
                out.add(new Member(name, data, size));
            }
            if (size > Long.MAX_VALUE - data - 511) break;
            pos = data + (size + 511) / 512 * 512;
        }
        return out;
    }

    private static boolean checksumMatches(byte[] h) {
        long stored = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xFF;
        return stored == sum;
    }

    private static String name(byte[] h) {
        String name = Bytes.ascii(h, 0, 100);
        String prefix = Bytes.has(h, 257, "ustar\0") ? Bytes.ascii(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** Octal, or big-endian base-256 when the first byte's high bit is set (GNU, for members of 8 GiB and more). */
    private static long size(byte[] h) {
        if ((h[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++) {
                if (v > (Long.MAX_VALUE >> 8)) return -1;
                v = v << 8 | (h[i] & 0xFF);
            }
            return v;
        }
        return octal(h, 124, 12);
    }

    private static long octal(byte[] h, int offset, int length) {
        String s = Bytes.ascii(h, offset, length).trim();
        if (s.isEmpty() || s.length() > 21 || !s.matches("[0-7]+")) return -1;
        return Long.parseLong(s, 8);
    }

    private static Map<String, String> pax(String text) {
        Map<String, String> out = new HashMap<>();
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            int eq = record.indexOf('=');
            if (space > 0 && eq > space) out.put(record.substring(space + 1, eq), record.substring(eq + 1));
        }
        return out;
    }

    private static long parseLong(String s) {
        if (s == null || !s.matches("\\d{1,18}")) return -1;
        return Long.parseLong(s);
    }

    /** Capacity in bytes from OVF's value and units ("byte * 2^30"); -1 when not a number. */
    private static long capacity(String value, String units) {
        long v = parseLong(value.trim());
        if (v < 0) return -1;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("2\\s*\\^\\s*(\\d{1,2})").matcher(units);
        int shift = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return shift >= 63 || v > (Long.MAX_VALUE >> shift) ? -1 : v << shift;
    }

    /** An attribute by local name, whatever prefix the exporter used for the OVF namespace. */
    private static String attr(Element e, String localName) {
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            String name = attrs.item(i).getLocalName() != null ? attrs.item(i).getLocalName() : attrs.item(i).getNodeName();
            if (name.equals(localName)) return attrs.item(i).getNodeValue();
        }
        return "";
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        var builder = f.newDocumentBuilder();
        builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
            @Override
            public void error(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXParseException {
                throw e; // the default handler would print to stderr as well
            }

            @Override
            public void fatalError(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXParseException {
                throw e;
            }
        });
        return builder.parse(new InputSource(new StringReader(xml)));
    }
}
