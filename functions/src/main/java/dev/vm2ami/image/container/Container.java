package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.Finding;

import java.util.List;
import java.util.Optional;

/**
 * What opening a disk container gave: its variant and size, the disk inside when vm2ami can read
 * it, and what is wrong with the container itself.
 */
public record Container(String subformat, long virtualSize, Optional<VirtualDisk> disk, List<Finding> findings) {

    public Container {
        findings = List.copyOf(findings);
    }

    public static Container broken(String subformat, Finding finding) {
        return new Container(subformat, 0, Optional.empty(), List.of(finding));
    }
}
