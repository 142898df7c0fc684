import Foundation

extension UUID {
    /// A random (version 4) UUID from the system generator (`getrandom`). Foundation's `UUID()` on
    /// Linux opens /dev/urandom for every id: a ledger import of 20,000 rows makes half a million
    /// ids, and those opens were a tenth of its time (`perf`, `strace`).
    public static func v4() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        var bytes = (UInt8(truncatingIfNeeded: high >> 56), UInt8(truncatingIfNeeded: high >> 48), UInt8(truncatingIfNeeded: high >> 40),
                     UInt8(truncatingIfNeeded: high >> 32), UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
                     UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
                     UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48), UInt8(truncatingIfNeeded: low >> 40),
                     UInt8(truncatingIfNeeded: low >> 32), UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
                     UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low))
        bytes.6 = (bytes.6 & 0x0F) | 0x40  // version 4
        bytes.8 = (bytes.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: bytes)
    }

    /// `uuidString` without `sprintf`: the same 36 upper-case characters, written from the bytes.
    /// Every link to a record carries its id, and a list page writes some fifty of them.
    public var text: String {
        String(unsafeUninitializedCapacity: 36) { output in
            writeText(into: output, at: 0)
            return 36
        }
    }

    /// Writes the 36 characters of `text` into `output` from `start`, which must leave room for them.
    func writeText(into output: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        let digits: StaticString = "0123456789ABCDEF"
        withUnsafeBytes(of: uuid) { bytes in
            digits.withUTF8Buffer { hex in
                var position = start
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        output[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    output[position] = hex[Int(bytes[index] >> 4)]
                    output[position + 1] = hex[Int(bytes[index] & 0x0F)]
                    position += 2
                }
            }
        }
    }

    /// Reads the 36-character form (either case) without `sscanf`, which Foundation's
    /// `UUID(uuidString:)` uses on Linux: a list page reads some forty ids. Nil for anything else.
    /// The text's bytes are read in place; only a string not stored as contiguous UTF-8 is copied.
    public init?(text: some StringProtocol) {
        guard let bytes = text.utf8.withContiguousStorageIfAvailable({ Self.parse($0) }) ?? Self.parse(Array(text.utf8)) else { return nil }
        self.init(uuid: bytes)
    }

    private static func parse(_ text: some RandomAccessCollection<UInt8>) -> uuid_t? {
        guard text.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed: Bool = withUnsafeMutableBytes(of: &bytes) { output in
            var position = text.startIndex
            func nibble() -> UInt8? {
                let c = text[position]
                position = text.index(after: position)
                switch c {
                case 0x30...0x39: return c - 0x30
                case 0x41...0x46: return c - 0x41 + 10
                case 0x61...0x66: return c - 0x61 + 10
                default: return nil
                }
            }
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    guard text[position] == UInt8(ascii: "-") else { return false }
                    position = text.index(after: position)
                }
                guard let high = nibble(), let low = nibble() else { return false }
                output[index] = high << 4 | low
            }
            return true
        }
        return parsed ? bytes : nil
    }
}
