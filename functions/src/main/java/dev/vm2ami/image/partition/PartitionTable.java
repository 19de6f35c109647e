package dev.vm2ami.image.partition;

import dev.vm2ami.image.finding.Finding;

import java.util.List;
import java.util.Optional;

/**
 * What a disk's first sectors say.
 *
 * @param scheme     {@link PartitionTables#MBR}, {@link PartitionTables#GPT}, or empty when there is no partition table
 * @param partitions the partitions, in table order (logical partitions after the primary ones)
 * @param bootCode   whether the MBR's boot code area holds anything (legacy BIOS runs it)
 * @param problem    a damaged table, when it is
 */
public record PartitionTable(Optional<String> scheme, List<Partition> partitions, boolean bootCode, Optional<Finding> problem) {

    public PartitionTable {
        partitions = List.copyOf(partitions);
    }

    static PartitionTable none(boolean bootCode) {
        return new PartitionTable(Optional.empty(), List.of(), bootCode, Optional.empty());
    }

    public boolean gpt() {
        return scheme.orElse("").equals(PartitionTables.GPT);
    }
}
