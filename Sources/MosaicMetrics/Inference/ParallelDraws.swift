import Dispatch
import Synchronization

/// Runs `draws` independent random draws on `parallelism` threads so that the result
/// does not depend on the number of threads or on their scheduling: before anything
/// runs, one 64-bit seed per draw is taken in order from the caller's generator, and
/// draw j uses its own `SeededGenerator(seed: seeds[j])`. Each draw writes its own
/// slot, so the output is identical for any `parallelism`.
///
/// `makeWorker` builds one worker's scratch state; `draw` fills `out` (one row of
/// `width` values) for draw j.
public func parallelDraws<Worker>(
    count draws: Int, width: Int, parallelism: Int,
    using rng: inout some RandomNumberGenerator,
    progress: (@Sendable (Int) -> Void)?,
    makeWorker: @Sendable () -> Worker,
    draw: @Sendable (inout Worker, inout SeededGenerator, UnsafeMutableBufferPointer<Double>) -> Void
) -> [Double] {
    let seeds = (0..<draws).map { _ in rng.next() }
    var results = [Double](repeating: 0, count: draws * width)
    let workers = max(1, min(parallelism, draws))
    let done = Mutex(0)
    results.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let buffer = buffer
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var worker = makeWorker()
            for j in stride(from: w, to: draws, by: workers) {
                var g = SeededGenerator(seed: seeds[j])
                let row = UnsafeMutableBufferPointer(rebasing: buffer[(j * width)..<((j + 1) * width)])
                draw(&worker, &g, row)
                if let progress {
                    let n = done.withLock { n in n += 1; return n }
                    progress(n)
                }
            }
        }
    }
    return results
}
