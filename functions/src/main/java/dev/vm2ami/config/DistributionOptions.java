package dev.vm2ami.config;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What happens to an AMI once it exists: who may launch it, which regions get a copy (and with which
 * key), the SSM parameter that names it, when it is deprecated, whether it requires IMDSv2, and what
 * becomes of the source object. The stack's configuration gives defaults; an image's manifest or
 * metadata overrides them key by key ({@link #over}). {@link #problem()} says what EC2, SSM or S3
 * would refuse, so an image asking for it is rejected before anything is imported.
 *
 * @param shareWith          launch permission for accounts, organizations and OUs (accounts also get
 *                           createVolumePermission on the snapshots), in every region that has the AMI
 * @param copyToRegions      regions that get a copy (CopyImage) with the same name, tags and permissions
 * @param regionKmsKeys      region -> KMS key ARN that encrypts the copy there
 * @param ssmParameter       parameter name (data type aws:ec2:image) written in every region that has the AMI;
 *                           {@code {stem}} stands for the image's file name without extension
 * @param deprecateAfterDays EnableImageDeprecation this many days after the AMI is made (null: never)
 * @param imdsSupport        "v2.0" to require IMDSv2 on instances launched from it ("" leaves it to the instance)
 * @param sourceDisposition  keep, tag (the object version gets a vm2ami:ami-id tag) or delete (that version is deleted)
 */
public record DistributionOptions(ShareWith shareWith, List<String> copyToRegions, Map<String, String> regionKmsKeys,
                                  String ssmParameter, Integer deprecateAfterDays, String imdsSupport,
                                  String sourceDisposition) {

    public static final String KEEP = "keep";
    public static final String TAG = "tag";
    public static final String DELETE = "delete";
    public static final String IMDS_V2 = "v2.0";
    /** EC2 deprecates an AMI at most 10 years ahead. */
    public static final int MAX_DEPRECATE_DAYS = 3650;
    /** vm2ami's own bounds: they keep one step within Lambda's time and the notification readable. */
    public static final int MAX_SHARES = 100;
    public static final int MAX_REGIONS = 30;

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ORGANIZATION = Pattern.compile("arn:aws[a-z-]*:organizations::\\d{12}:organization/o-[a-z0-9]{10,32}");
    private static final Pattern OU = Pattern.compile(
            "arn:aws[a-z-]*:organizations::\\d{12}:ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\\d{1,2}");
    private static final Pattern KEY_ARN = Pattern.compile("arn:aws[a-z-]*:kms:([a-z0-9-]+):\\d{12}:key/[A-Za-z0-9-]+");
    private static final Pattern PARAMETER = Pattern.compile("/?[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)*");

    /** Who gets launch permission; each list is empty rather than null. */
    public record ShareWith(List<String> accounts, List<String> organizationArns, List<String> organizationalUnitArns) {
        public ShareWith {
            accounts = distinct(accounts);
            organizationArns = distinct(organizationArns);
            organizationalUnitArns = distinct(organizationalUnitArns);
        }

        public static ShareWith none() {
            return new ShareWith(List.of(), List.of(), List.of());
        }

        @JsonIgnore
        public boolean isEmpty() {
            return accounts.isEmpty() && organizationArns.isEmpty() && organizationalUnitArns.isEmpty();
        }
    }

    public DistributionOptions {
        shareWith = shareWith == null ? ShareWith.none() : shareWith;
        copyToRegions = distinct(copyToRegions);
        regionKmsKeys = regionKmsKeys == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(regionKmsKeys));
        ssmParameter = ssmParameter == null ? "" : ssmParameter.trim();
        imdsSupport = imdsSupport == null ? "" : imdsSupport.trim();
        sourceDisposition = sourceDisposition == null || sourceDisposition.isBlank() ? KEEP
                : sourceDisposition.trim().toLowerCase(Locale.ROOT);
    }

    public static DistributionOptions none() {
        return new DistributionOptions(null, List.of(), Map.of(), "", null, "", KEEP);
    }

    /** True when nothing is asked beyond the AMI itself (the state machine then skips distribution). */
    @JsonIgnore
    public boolean isEmpty() {
        return shareWith.isEmpty() && copyToRegions.isEmpty() && ssmParameter.isEmpty() && deprecateAfterDays == null
                && imdsSupport.isEmpty() && KEEP.equals(sourceDisposition);
    }

    /**
     * These options (an image's) over the defaults: each key the image sets replaces the default's
     * ({@code shareWith} as a whole), except {@code regionKmsKeys}, whose regions are merged.
     *
     * @param set the keys the image set
     */
    public DistributionOptions over(DistributionOptions defaults, Set<String> set) {
        Map<String, String> keys = new LinkedHashMap<>(defaults.regionKmsKeys);
        keys.putAll(regionKmsKeys);
        return new DistributionOptions(
                set.contains("shareWith") ? shareWith : defaults.shareWith,
                set.contains("copyToRegions") ? copyToRegions : defaults.copyToRegions,
                keys,
                set.contains("ssmParameter") ? ssmParameter : defaults.ssmParameter,
                set.contains("deprecateAfterDays") ? deprecateAfterDays : defaults.deprecateAfterDays,
                set.contains("imdsSupport") ? imdsSupport : defaults.imdsSupport,
                set.contains("sourceDisposition") ? sourceDisposition : defaults.sourceDisposition);
    }

    /** The SSM parameter name for an image, {@code {stem}} filled in with the key's file name ("" when none is asked). */
    public String ssmParameterFor(String key) {
        if (ssmParameter.isEmpty() || !ssmParameter.contains("{stem}")) return ssmParameter;
        String file = key.substring(key.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        String stem = (dot > 0 ? file.substring(0, dot) : file).replaceAll("[^A-Za-z0-9_.\\-]", "-");
        return ssmParameter.replace("{stem}", stem);
    }

    /** What EC2, SSM or S3 would refuse, in the words of the option; empty when all is well. */
    public Optional<String> problem() {
        List<String> problems = new ArrayList<>();
        listed(problems, "shareWith.accounts", shareWith.accounts, ACCOUNT,
                "12-digit AWS account ids (e.g. 111122223333)");
        listed(problems, "shareWith.organizationArns", shareWith.organizationArns, ORGANIZATION,
                "organization ARNs (arn:aws:organizations::111122223333:organization/o-exampleorgid)");
        listed(problems, "shareWith.organizationalUnitArns", shareWith.organizationalUnitArns, OU,
                "OU ARNs (arn:aws:organizations::111122223333:ou/o-exampleorgid/ou-examplerootid-exampleouid)");
        int shares = shareWith.accounts.size() + shareWith.organizationArns.size() + shareWith.organizationalUnitArns.size();
        if (shares > MAX_SHARES) problems.add("shareWith names " + shares + " accounts, organizations and OUs; at most " + MAX_SHARES);
        listed(problems, "copyToRegions", copyToRegions, REGION, "region names (e.g. eu-west-1)");
        if (copyToRegions.size() > MAX_REGIONS) problems.add("copyToRegions names " + copyToRegions.size() + " regions; at most " + MAX_REGIONS);
        regionKmsKeys.forEach((region, key) -> {
            var m = KEY_ARN.matcher(key == null ? "" : key);
            if (!REGION.matcher(region).matches()) {
                problems.add("regionKmsKeys: '" + region + "' is not a region name (e.g. eu-west-1)");
            } else if (!m.matches()) {
                problems.add("regionKmsKeys." + region + " must be a KMS key ARN (arn:aws:kms:" + region
                        + ":111122223333:key/<id>; not an alias), was '" + key + "'");
            } else if (!m.group(1).equals(region)) {
                problems.add("regionKmsKeys." + region + " is a key in " + m.group(1) + "; a copy is encrypted with a key of its own region");
            }
        });
        if (!ssmParameter.isEmpty()) {
            String name = ssmParameter.replace("{stem}", "stem");
            String bare = name.startsWith("/") ? name.substring(1) : name;
            String lower = bare.toLowerCase(Locale.ROOT);
            if (name.length() > 1011 || !PARAMETER.matcher(name).matches()) {
                problems.add("ssmParameter '" + ssmParameter + "' is not a parameter name (letters, digits, _ . - and / between levels, e.g. /images/web/latest)");
            } else if (lower.startsWith("aws") || lower.startsWith("ssm")) {
                problems.add("ssmParameter '" + ssmParameter + "': names starting with aws or ssm are reserved");
            } else if (bare.split("/").length > 15) {
                problems.add("ssmParameter '" + ssmParameter + "' has more than 15 levels");
            }
        }
        if (deprecateAfterDays != null && (deprecateAfterDays < 1 || deprecateAfterDays > MAX_DEPRECATE_DAYS)) {
            problems.add("deprecateAfterDays must be from 1 to " + MAX_DEPRECATE_DAYS + " (EC2 deprecates at most 10 years ahead), was " + deprecateAfterDays);
        }
        if (!imdsSupport.isEmpty() && !IMDS_V2.equals(imdsSupport)) {
            problems.add("imdsSupport must be v2.0 (or absent), was '" + imdsSupport + "'");
        }
        if (!Set.of(KEEP, TAG, DELETE).contains(sourceDisposition)) {
            problems.add("sourceDisposition must be keep, tag or delete, was '" + sourceDisposition + "'");
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    private static void listed(List<String> problems, String option, List<String> values, Pattern valid, String what) {
        List<String> bad = values.stream().filter(v -> !valid.matcher(v).matches()).toList();
        if (!bad.isEmpty()) {
            problems.add(option + " must list " + what + "; not: " + String.join(", ", bad.stream().map(b -> "'" + b + "'").toList()));
        }
    }

    private static List<String> distinct(List<String> values) {
        if (values == null) return List.of();
        LinkedHashSet<String> out = new LinkedHashSet<>();
        values.stream().filter(v -> v != null && !v.isBlank()).map(String::trim).forEach(out::add);
        return List.copyOf(out);
    }
}
