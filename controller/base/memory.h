// Keeping the resident set near the live heap. glibc gives each thread that allocates under
// contention an arena of its own (up to 8 per core) and keeps what was freed in it, so a
// controller whose 16 workers and HTTP threads allocate in turn holds several times its live heap:
// 1,000 deployments measured 128 MiB resident for about 36 MiB of peak heap (bench/
// controller_footprint). `spaceport run` therefore uses one arena (its workers wait on the network
// far more than they allocate: CPU per pass did not change measurably) and gives the free pages
// back when the work goes quiet. Both are no-ops where the C library is not glibc.
//
//   LimitMallocArenas(1);   // at start, unless MALLOC_ARENA_MAX says otherwise
//   ReleaseFreeMemory();    // when idle, at most every few seconds (it walks the arenas)
#pragma once

namespace spaceport {

// Caps the arenas at `arenas` unless the environment set MALLOC_ARENA_MAX (then glibc obeys that).
void LimitMallocArenas(int arenas);
void ReleaseFreeMemory();

}  // namespace spaceport
