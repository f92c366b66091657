import unittest

from edgeml_trainer.signatures import sign_payload, verify_payload


class Signatures(unittest.TestCase):
    def test_round_trip_and_refusals(self):
        h = sign_payload("s" * 20, '{"a":1}', now=1000)
        self.assertIsNone(verify_payload("s" * 20, '{"a":1}', h, now=1100))
        self.assertEqual(verify_payload("s" * 20, '{"a":2}', h, now=1100), "signature mismatch")
        self.assertEqual(verify_payload("x" * 20, '{"a":1}', h, now=1100), "signature mismatch")
        self.assertEqual(verify_payload("s" * 20, '{"a":1}', h, now=1301), "signature timestamp out of tolerance")
        self.assertEqual(verify_payload("s" * 20, "{}", None), "missing X-EdgeML-Signature")
        self.assertEqual(verify_payload("s" * 20, "{}", "t=1,v1=zz"), "malformed signature")

    def test_matches_the_typescript_signature(self):
        # core/auth/signatures.ts signPayload("secret-0123456789", "{}", 1764000000)
        self.assertEqual(sign_payload("secret-0123456789", "{}", now=1764000000), TS_SIGNATURE)


TS_SIGNATURE = "t=1764000000,v1=f29151799ef3de4a992296a45f64d24e48d101a88337b625f9dd8e610bf6b310"

if __name__ == "__main__":
    unittest.main()
