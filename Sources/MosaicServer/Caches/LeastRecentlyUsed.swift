import OrderedCollections

/// At most `capacity` values by key; keeping one more drops the least recently used
/// (read or kept). The bound every cache of the service keeps.
struct LeastRecentlyUsed<Value> {
    let capacity: Int
    private var entries = OrderedDictionary<String, Value>()

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { entries.count }

    /// The value kept under `key`, now the most recently used; nil when there is none.
    /// - Complexity: O(n) (moving the entry to the end of the order).
    mutating func value(for key: String) -> Value? {
        guard let i = entries.index(forKey: key) else { return nil }
        let value = entries.remove(at: i).value
        entries[key] = value
        return value
    }

    mutating func keep(_ value: Value, for key: String) {
        entries.removeValue(forKey: key)
        entries[key] = value
        while entries.count > capacity { entries.removeFirst() }
    }
}
