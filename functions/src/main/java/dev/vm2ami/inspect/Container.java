package dev.vm2ami.inspect;

import java.util.List;
import java.util.Optional;

/**
 * What opening a disk container gave: its variant and size, the disk inside when vm2ami can read
 * it, and what is wrong with the container itself.
 */
record Container(String subformat, long virtualSize, Optional<VirtualDisk> disk, List<Finding> findings) {

    Container {
        findings = List.copyOf(findings);
    }

    static Container broken(String subformat, Finding finding) {
        return new Container(subformat, 0, Optional.empty(), List.of(finding));
    }
}
