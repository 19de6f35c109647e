/**
 * The operating systems on a disk, found the way virt-inspector finds them but without mounting
 * anything ({@link dev.vm2ami.image.os.OsInspector}), the facts a decision is made from
 * ({@link dev.vm2ami.image.os.OsFacts}), and EC2 VM import's supported-OS tables as data
 * ({@link dev.vm2ami.image.os.SupportedOs}).
 */
package dev.vm2ami.image.os;
