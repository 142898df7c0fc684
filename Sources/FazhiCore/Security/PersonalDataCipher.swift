import Crypto
import Foundation

/// Encrypts personal data at rest (docs/security.md: AES-GCM with a key from configuration, never in
/// the database) and makes a keyed hash beside it so an exact value can be searched for without
/// decrypting every row.
public struct PersonalDataCipher: Sendable {
    private let encryptionKey: SymmetricKey
    private let searchKey: SymmetricKey

    /// `masterKey` is 32 bytes; the encryption and search keys are derived from it with HKDF so
    /// that one secret in configuration serves both and neither is used twice.
    public init(masterKey: Data) throws(ValidationFailure) {
        guard masterKey.count == 32 else {
            throw ValidationFailure(field: "FAZHI_DATA_KEY", label: "FAZHI_DATA_KEY", message: "应为32字节密钥的Base64编码")
        }
        let master = SymmetricKey(data: masterKey)
        encryptionKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("fazhi personal data v1".utf8), outputByteCount: 32)
        searchKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("fazhi search hash v1".utf8), outputByteCount: 32)
    }

    /// Base64 of nonce ‖ ciphertext ‖ tag.
    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: encryptionKey)
        guard let combined = box.combined else { throw PersonalDataError.sealFailed }
        return combined.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw PersonalDataError.malformed }
        let box = try AES.GCM.SealedBox(combined: data)
        let plain = try AES.GCM.open(box, using: encryptionKey)
        guard let text = String(data: plain, encoding: .utf8) else { throw PersonalDataError.malformed }
        return text
    }

    /// Encrypts a file's bytes (attachments): nonce ‖ ciphertext ‖ tag.
    public func seal(data: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(data, using: encryptionKey).combined else { throw PersonalDataError.sealFailed }
        return combined
    }

    public func open(data sealed: Data) throws -> Data {
        try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed), using: encryptionKey)
    }

    /// HMAC-SHA256 of the normalised value, hex: equal values give equal hashes.
    public func searchHash(_ value: String) -> String {
        let normalised = value.trimmingCharacters(in: .whitespaces).uppercased()
        let mac = HMAC<SHA256>.authenticationCode(for: Data(normalised.utf8), using: searchKey)
        return Data(mac).hexString
    }
}

public enum PersonalDataError: Error {
    case sealFailed
    case malformed
}

extension Data {
    /// Lower-case hex, two digits a byte (every audit row's hash goes through here).
    public var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
