/** Windows' own formats the OS inspection reads: the registry hive ({@link dev.vm2ami.image.os.windows.RegistryHive}). */
package dev.vm2ami.image.os.windows;
