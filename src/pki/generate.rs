//! Test PKI generation (rcgen + rsa): CAs, server and client certificates, signing keys.
