#include "philox_lanes.hpp"

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define RISKCAST_PHILOX_X86 1
#include <immintrin.h>
#endif

namespace riskcast {
namespace {

constexpr std::uint32_t kMultiplier0 = 0xD2511F53u, kMultiplier1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;

// Plain loops; compilers vectorise them for the baseline instruction set.
void philox_portable(PhiloxLanes& x, std::uint32_t key0, std::uint32_t key1) {
  for (int round = 0; round < 10; ++round) {
    for (std::size_t i = 0; i < kPhiloxLanes; ++i) {
      const std::uint64_t p0 = std::uint64_t{kMultiplier0} * x.c0[i];
      const std::uint64_t p1 = std::uint64_t{kMultiplier1} * x.c2[i];
      const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ x.c1[i] ^ key0;
      const std::uint32_t n1 = static_cast<std::uint32_t>(p1);
      const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ x.c3[i] ^ key1;
      const std::uint32_t n3 = static_cast<std::uint32_t>(p0);
      x.c0[i] = n0;
      x.c1[i] = n1;
      x.c2[i] = n2;
      x.c3[i] = n3;
    }
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
}

#ifdef RISKCAST_PHILOX_X86
// The SIMD forms keep each 32-bit word in a 64-bit lane for all ten rounds:
// the 32×32→64 multiply (vpmuludq) reads only the low halves of its operands,
// so the garbage that the xors leave in the high halves never matters and is
// cut off once, when the words are stored. Compilers do not find this on
// their own (they emulate a full 64-bit multiply), hence the intrinsics.
// GCC 12's AVX-512 intrinsics pass an "undefined" register as the unused
// merge source, which -Wuninitialized reports inside the header.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
__attribute__((target("avx512f"))) void philox_avx512(PhiloxLanes& x, std::uint32_t key0, std::uint32_t key1) {
  constexpr int kVectors = kPhiloxLanes / 8;
  __m512i c0[kVectors], c1[kVectors], c2[kVectors], c3[kVectors];
  // Plain statements: lambdas would not inherit the target attribute.
  for (int v = 0; v < kVectors; ++v) {
    c0[v] = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.c0 + 8 * v)));
    c1[v] = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.c1 + 8 * v)));
    c2[v] = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.c2 + 8 * v)));
    c3[v] = _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.c3 + 8 * v)));
  }
  const __m512i m0 = _mm512_set1_epi64(kMultiplier0), m1 = _mm512_set1_epi64(kMultiplier1);
  for (int round = 0; round < 10; ++round) {
    const __m512i k0 = _mm512_set1_epi64(key0), k1 = _mm512_set1_epi64(key1);
    for (int v = 0; v < kVectors; ++v) {
      const __m512i p0 = _mm512_mul_epu32(c0[v], m0);
      const __m512i p1 = _mm512_mul_epu32(c2[v], m1);
      c0[v] = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), c1[v]), k0);
      c1[v] = p1;
      c2[v] = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), c3[v]), k1);
      c3[v] = p0;
    }
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
  for (int v = 0; v < kVectors; ++v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(x.c0 + 8 * v), _mm512_cvtepi64_epi32(c0[v]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(x.c1 + 8 * v), _mm512_cvtepi64_epi32(c1[v]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(x.c2 + 8 * v), _mm512_cvtepi64_epi32(c2[v]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(x.c3 + 8 * v), _mm512_cvtepi64_epi32(c3[v]));
  }
}

#pragma GCC diagnostic pop

__attribute__((target("avx2"))) void philox_avx2(PhiloxLanes& x, std::uint32_t key0, std::uint32_t key1) {
  constexpr int kVectors = kPhiloxLanes / 4;
  __m256i c0[kVectors], c1[kVectors], c2[kVectors], c3[kVectors];
  for (int v = 0; v < kVectors; ++v) {
    c0[v] = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x.c0 + 4 * v)));
    c1[v] = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x.c1 + 4 * v)));
    c2[v] = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x.c2 + 4 * v)));
    c3[v] = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x.c3 + 4 * v)));
  }
  const __m256i m0 = _mm256_set1_epi64x(kMultiplier0), m1 = _mm256_set1_epi64x(kMultiplier1);
  for (int round = 0; round < 10; ++round) {
    const __m256i k0 = _mm256_set1_epi64x(key0), k1 = _mm256_set1_epi64x(key1);
    for (int v = 0; v < kVectors; ++v) {
      const __m256i p0 = _mm256_mul_epu32(c0[v], m0);
      const __m256i p1 = _mm256_mul_epu32(c2[v], m1);
      c0[v] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1[v]), k0);
      c1[v] = p1;
      c2[v] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3[v]), k1);
      c3[v] = p0;
    }
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
  // The low halves of the four 64-bit lanes, gathered into 128 bits.
  const __m256i low_halves = _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0);
  for (int v = 0; v < kVectors; ++v) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(x.c0 + 4 * v),
                     _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c0[v], low_halves)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(x.c1 + 4 * v),
                     _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c1[v], low_halves)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(x.c2 + 4 * v),
                     _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c2[v], low_halves)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(x.c3 + 4 * v),
                     _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(c3[v], low_halves)));
  }
}
#endif

using Rounds = void (*)(PhiloxLanes&, std::uint32_t, std::uint32_t);

Rounds widest_form() {
#ifdef RISKCAST_PHILOX_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return philox_avx512;
  if (__builtin_cpu_supports("avx2")) return philox_avx2;
#endif
  return philox_portable;
}

}  // namespace

void philox_lanes(PhiloxLanes& x, std::uint32_t key0, std::uint32_t key1) {
  static const Rounds rounds = widest_form();
  rounds(x, key0, key1);
}

std::vector<PhiloxForm> philox_forms_available() {
  std::vector<PhiloxForm> forms = {{"portable", philox_portable}};
#ifdef RISKCAST_PHILOX_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) forms.push_back({"avx2", philox_avx2});
  if (__builtin_cpu_supports("avx512f")) forms.push_back({"avx512f", philox_avx512});
#endif
  return forms;
}

}  // namespace riskcast
