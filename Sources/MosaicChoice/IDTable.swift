/// Ids to their positions, for resolving an instance's preferences: about a million
/// lookups at NYC size, where `Dictionary<String, Int>` spent most of its time starting
/// and finishing a SipHash per lookup (issue 25).
///
/// Open addressing with linear probing in a power-of-two table at most half full. The hash
/// folds the id's UTF-8 bytes eight at a time with a 64 × 64 → 128-bit multiply (the
/// "folded multiply" of foldhash and wyhash), keyed by a seed drawn per table from the
/// system's generator, so ids cannot be chosen ahead to collide. The first of equal ids
/// keeps its position.
/// - Complexity: O(1) expected per lookup; O(ids) to build.
struct IDTable {
    private var keys: [String] = []
    private var positions: [Int32]
    private var slots: [Int32]
    private let mask: Int
    private let seed: UInt64

    /// The number of distinct ids.
    var count: Int { keys.count }

    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        positions = []
        mask = size - 1
        var generator = SystemRandomNumberGenerator()
        seed = generator.next() | 1
        keys.reserveCapacity(capacity)
        positions.reserveCapacity(capacity)
    }

    init(_ ids: some Collection<String>) {
        self.init(capacity: ids.count)
        for (k, id) in ids.enumerated() { insert(id, at: k) }
    }

    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let m = a.multipliedFullWidth(by: b)
        return m.high ^ m.low
    }

    private func hash(_ id: String) -> Int {
        var id = id
        let h = id.withUTF8 { bytes -> UInt64 in
            var h = Self.fold(seed ^ UInt64(bytes.count), 0x9E37_79B9_7F4A_7C15)
            let raw = UnsafeRawBufferPointer(bytes)
            var k = 0
            while k + 8 <= raw.count {
                h = Self.fold(h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self), 0xBF58_476D_1CE4_E5B9 ^ seed)
                k += 8
            }
            if k < raw.count {
                var tail: UInt64 = 0
                for j in k..<raw.count { tail |= UInt64(raw[j]) << (8 * UInt64(j - k)) }
                h = Self.fold(h ^ tail, 0x94D0_49BB_1331_11EB ^ seed)
            }
            return Self.fold(h, 0x2545_F491_4F6C_DD1D)
        }
        return Int(truncatingIfNeeded: h) & mask
    }

    /// Adds `id` at `position`; false (and no change) when it is already there.
    @discardableResult
    mutating func insert(_ id: String, at position: Int) -> Bool {
        var slot = hash(id)
        while slots[slot] >= 0 {
            if keys[Int(slots[slot])] == id { return false }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(keys.count)
        keys.append(id)
        positions.append(Int32(position))
        // Past half full: twice the table, every id placed again.
        if 2 * keys.count > slots.count {
            var grown = IDTable(capacity: slots.count)
            for (k, key) in keys.enumerated() { grown.insert(key, at: Int(positions[k])) }
            self = grown
        }
        return true
    }

    /// The position of `id`, or nil.
    func position(of id: String) -> Int? {
        var slot = hash(id)
        while slots[slot] >= 0 {
            let k = Int(slots[slot])
            if keys[k] == id { return Int(positions[k]) }
            slot = (slot + 1) & mask
        }
        return nil
    }

    subscript(id: String) -> Int? { position(of: id) }
}
