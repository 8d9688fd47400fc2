import Crypto

/// The file hashes recorded in chaos-config.json and the journal: lower-case hex SHA-256.
public enum SHA256Digest {
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
