package dev.vm2ami.image.verdict;

import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.sampleimages.SparseImage;

import java.util.List;

/** Test shorthand: inspect an in-memory image under a name, with or without a boot mode. */
final class Inspect {
    private Inspect() {}

    static InspectionReport image(SparseImage image, String name) {
        return image(image, name, null);
    }

    static InspectionReport image(SparseImage image, String name, BootMode mode) {
        return new ImageInspector().inspect(image.reader(), new InspectionRequest(name, mode));
    }

    static InspectionReport bytes(byte[] bytes, String name) {
        return image(SparseImage.of(bytes), name);
    }

    static List<String> codes(InspectionReport report) {
        return report.findings().stream().map(Finding::code).toList();
    }
}
