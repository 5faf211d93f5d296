# Fuzz NDJSON for scripts/detect-equiv.sh: JSON objects and bare text dense in digit clusters,
# separators, quotes and backslashes, with known positives mixed in. Usage: gen_fuzz.py SEED
import random, json, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
alpha = "0123456789" * 6 + " -.()+,,  " + "\"/:#$!*'&%" + "abcXYZSKAC@e_" + "\\"
out = []
def rnd(n): return "".join(random.choice(alpha) for _ in range(n))
pieces = ["4111 1111 1111 1111", "4111-1111-1111-1111", "123-45-6789", "078-05-1120", "+1 415 555 2671", "(415) 555-2671",
          "52.5200, 13.4050", "-33.8688,151.2093", "192.168.1.1", "10.0.0.12", "GB82 WEST 1234 5698 7654 32", "DE89370400440532013000",
          "1701202315806,", "12,345,678", "9762.16", "2025-03-15T23:19:17.811Z", "5555555555554444", "378282246310005", "  ", ",,", "user@example.com", "SK0123456789abcdef0123456789abcdef"]
for i in range(40000):
    kind = random.random()
    if kind < 0.5:
        items = []
        for j in range(random.randint(1, 12)):
            k = random.choice(["id", "phone", "ssn", "card", "ref", "loc", "coords", "n", "iban", "total", "x"])
            v = random.choice([rnd(random.randint(1, 40)), random.choice(pieces), random.randint(0, 10**19), random.random() * 1000, random.choice(pieces) + rnd(3)])
            items.append((k, v))
        out.append(json.dumps(dict(items), separators=(",", ":") if random.random() < 0.5 else (", ", ": ")))
    else:
        s = "".join(random.choice([rnd(random.randint(1, 30)), random.choice(pieces)]) for _ in range(random.randint(1, 10)))
        out.append(json.dumps({"t": s}) if random.random() < 0.5 else s)
sys.stdout.write("\n".join(out) + "\n")
