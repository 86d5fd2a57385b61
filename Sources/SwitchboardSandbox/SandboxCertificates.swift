import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway certificate authority and a server certificate it signed for `localhost` and
/// `127.0.0.1`, made fresh when the sandbox starts so nothing secret is shipped.
public struct SandboxCertificates: Sendable {
    public let caPEM: String
    public let serverCertificatePEM: String
    public let serverKeyPEM: String

    public init(caPEM: String, serverCertificatePEM: String, serverKeyPEM: String) {
        self.caPEM = caPEM
        self.serverCertificatePEM = serverCertificatePEM
        self.serverKeyPEM = serverKeyPEM
    }

    /// Generates a P-256 CA valid for a day and a server certificate signed by it.
    public static func generate(validFor seconds: TimeInterval = 86_400) throws -> SandboxCertificates {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("Switchboard sandbox")
            CommonName("Switchboard sandbox CA")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 300, notValidAfter: now + seconds, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now - 300, notValidAfter: now + seconds, issuer: caName,
            subject: try DistinguishedName { CommonName("localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: .init(caKey))
        return SandboxCertificates(
            caPEM: try ca.serializeAsPEM().pemString,
            serverCertificatePEM: try server.serializeAsPEM().pemString,
            serverKeyPEM: serverKey.pemRepresentation)
    }

    /// Reads a CA, certificate and key from PEM files (the test fixtures).
    public static func load(ca: String, certificate: String, key: String) throws -> SandboxCertificates {
        SandboxCertificates(
            caPEM: try String(contentsOfFile: ca, encoding: .utf8),
            serverCertificatePEM: try String(contentsOfFile: certificate, encoding: .utf8),
            serverKeyPEM: try String(contentsOfFile: key, encoding: .utf8))
    }
}
