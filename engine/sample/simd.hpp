// Function multi-versioning for the hot loops of the sampler.
#pragma once

// Clones a function for AVX-512 and AVX2 next to the baseline x86-64 code;
// the loader picks the widest the CPU has. Only for code whose every clone
// gives the same bits: integer arithmetic, or one IEEE operation (or libm
// call) per value, so no reassociation and no fused multiply-add. Off in the sanitizer build, which
// checks the baseline code path.
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define RISKCAST_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RISKCAST_SIMD_CLONES
#endif
