#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Identifiers (sourcedIds) interned as bytes: each distinct id gets the next dense
/// index, and a lookup hashes the field's bytes where they lie, so reading millions of
/// enrollment rows makes no `String` per id. Open addressing with linear probing over a
/// power-of-two table kept at most half full; FNV-1a hashing (ids are short). Each slot
/// holds the key's index and 32 bits of its hash, so a probe that does not match never
/// touches the stored bytes (at millions of ids those are cache misses).
struct IdentifierTable: Sendable {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    /// 0 = empty; otherwise (fingerprint << 32) | (index + 1).
    private var slots: [UInt64]
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func slot(_ index: Int32, _ hash: Int) -> UInt64 {
        (UInt64(truncatingIfNeeded: hash) >> 32) << 32 | UInt64(index + 1)
    }

    var count: Int { offsets.count - 1 }

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    @inline(__always)
    private func equals(_ i: Int32, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[Int(i)], end = offsets[Int(i) + 1]
        guard end - start == key.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            guard let base = a.baseAddress, let k = key.baseAddress else { return key.isEmpty }
            return memcmp(base + start, k, key.count) == 0
        }
    }

    /// The index of `key`, if it was inserted.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = Self.hash(key)
        let fingerprint = UInt64(truncatingIfNeeded: h) >> 32
        var s = h & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let v = slots[s]
                if v == 0 { return nil }
                if v >> 32 == fingerprint {
                    let i = Int32(truncatingIfNeeded: v & 0xFFFF_FFFF) - 1
                    if equals(i, key) { return i }
                }
                s = (s + 1) & mask
            }
        }
    }

    /// Adds `key` unless present; returns its index and whether it was new.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int32, inserted: Bool) {
        let h = Self.hash(key)
        let fingerprint = UInt64(truncatingIfNeeded: h) >> 32
        var s = h & mask
        while true {
            let v = slots[s]
            if v == 0 { break }
            if v >> 32 == fingerprint {
                let i = Int32(truncatingIfNeeded: v & 0xFFFF_FFFF) - 1
                if equals(i, key) { return (i, false) }
            }
            s = (s + 1) & mask
        }
        let index = Int32(count)
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        slots[s] = Self.slot(index, h)
        if count * 2 > slots.count { grow() }
        return (index, true)
    }

    /// Hands id `i`'s bytes to `body`.
    func withKey<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[offsets[i]..<offsets[i + 1]])) }
    }

    mutating func insert(_ key: String) -> (index: Int32, inserted: Bool) {
        var k = key
        return k.withUTF8 { insert($0) }
    }

    func find(_ key: String) -> Int32? {
        var k = key
        return k.withUTF8 { find($0) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        let old = slots
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        // The fingerprint keeps the hash's high half; placing needs its low bits: rehash.
        arena.withUnsafeBufferPointer { a in
            for v in old where v != 0 {
                let i = Int(v & 0xFFFF_FFFF) - 1
                let key = UnsafeBufferPointer(rebasing: a[offsets[i]..<offsets[i + 1]])
                let h = Self.hash(key)
                var s = h & mask
                while slots[s] != 0 { s = (s + 1) & mask }
                slots[s] = Self.slot(Int32(i), h)
            }
        }
    }
}

/// A set of 64-bit id fingerprints, to tell that millions of row ids are distinct
/// without keeping their bytes: a fingerprint seen twice means a duplicate id or (about
/// once in 10^12 pairs) two ids that hash alike; either way the caller reads again with
/// the exact ``IdentifierTable``. Open addressing over a power-of-two table at most half
/// full.
struct Fingerprints: Sendable {
    private var slots: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// FNV-1a over the bytes, then the MurmurHash3 finaliser so that every bit of the
    /// fingerprint depends on every byte; never 0 (0 marks an empty slot).
    @inline(__always)
    static func fingerprint(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h == 0 ? 1 : h
    }

    /// Adds `key`'s fingerprint; false when it was there already.
    @inline(__always)
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let f = Self.fingerprint(key)
        var s = Int(truncatingIfNeeded: f) & mask
        let fresh: Bool = slots.withUnsafeMutableBufferPointer { slots in
            while true {
                let v = slots[s]
                if v == 0 { slots[s] = f; return true }
                if v == f { return false }
                s = (s + 1) & mask
            }
        }
        guard fresh else { return false }
        count += 1
        if count * 2 > slots.count { grow() }
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for f in old where f != 0 {
            var s = Int(truncatingIfNeeded: f) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = f
        }
    }
}
