# Sourced by run.sh and bench/serving.sh: the server's JVM memory settings (README.md, "Memory").
# T2I_JVM_OPTIONS replaces them when set (empty: the JVM's own defaults, which size the heap at a
# quarter of the machine's memory). Sized for a small server (2 cores, about 1 GB for the JVM):
# heap 256 MB (the live set is about 70 MB), the serial collector (the least memory of the
# collectors; G1 for 4+ cores and bigger heaps), 512 KB thread stacks, and caps on metaspace, JIT
# code and direct buffers so the process stays under 512 MB resident.
T2I_JVM_OPTIONS="${T2I_JVM_OPTIONS--Xms64m -Xmx256m -XX:+UseSerialGC -Xss512k -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=96m -XX:MaxDirectMemorySize=64m}"
# glibc gives every thread that allocates natively its own 64 MB arena; two are enough here.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX-2}"
