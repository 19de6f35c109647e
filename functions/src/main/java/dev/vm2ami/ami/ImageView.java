package dev.vm2ami.ami;

import java.util.List;

/** An AMI as DescribeImages shows it, without SDK types. */
public record ImageView(String imageId, String state, String name, List<String> snapshotIds) {
    public ImageView {
        snapshotIds = List.copyOf(snapshotIds);
    }
}
