#if canImport(Glibc)
import Glibc

// A batch command (everything but `serve` and `demo`, which serve requests on many
// threads) allocates from glibc's main heap. Its work runs on a worker thread of the
// concurrency runtime, whose own arena grows one mprotect per page: 16,151 calls and
// about a fifth of `mosaic match` on an NYC-size market (issue 25, BENCHMARKS.md); the
// main heap grows by brk in steps of at least 128 KB (507 calls). Set before any other
// thread allocates, so every thread shares that heap. (`mallopt` is in <malloc.h>, which
// the Glibc module does not import: it is looked up by name.)
if !["serve", "demo"].contains(CommandLine.arguments.dropFirst().first ?? ""),
   let symbol = dlsym(nil, "mallopt") {
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    let M_ARENA_MAX: Int32 = -8
    _ = unsafeBitCast(symbol, to: Mallopt.self)(M_ARENA_MAX, 1)
}
#endif

await Mosaic.start()
