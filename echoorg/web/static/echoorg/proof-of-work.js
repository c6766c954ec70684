/* Proof of work for the public speak-up forms (see echoorg/core/proof_of_work.py).
 *
 * A form marked data-proof-of-work carries a signed challenge (input pow_challenge, with
 * data-bits). When the person presses the form's button, this script finds a nonce such
 * that SHA-256(challenge + ":" + nonce) starts with that many zero bits, puts it in
 * pow_nonce and sends the form. It tells screen readers what is happening through the
 * form's status region (role="status", aria-live="polite").
 *
 * SHA-256 comes from Web Crypto where the browser offers it (HTTPS, or localhost); on a
 * plain-HTTP address Web Crypto is missing, so a small implementation below (FIPS 180-4)
 * is used instead.
 */
(function () {
  "use strict";

  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2]);
  var W = new Uint32Array(64);

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  /* SHA-256 of an ASCII string (the challenge and nonce are ASCII), as 32 bytes. */
  function sha256Ascii(text) {
    var length = text.length;
    var blocks = ((length + 9 + 63) >> 6);
    var bytes = new Uint8Array(blocks * 64);
    for (var i = 0; i < length; i++) { bytes[i] = text.charCodeAt(i) & 0xff; }
    bytes[length] = 0x80;
    var bits = length * 8;
    var end = bytes.length;
    bytes[end - 4] = (bits >>> 24) & 0xff;
    bytes[end - 3] = (bits >>> 16) & 0xff;
    bytes[end - 2] = (bits >>> 8) & 0xff;
    bytes[end - 1] = bits & 0xff;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a;
    var h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var offset = 0; offset < end; offset += 64) {
      for (var t = 0; t < 16; t++) {
        var p = offset + t * 4;
        W[t] = (bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3];
      }
      for (t = 16; t < 64; t++) {
        var a15 = W[t - 15], a2 = W[t - 2];
        var s0 = rotr(a15, 7) ^ rotr(a15, 18) ^ (a15 >>> 3);
        var s1 = rotr(a2, 17) ^ rotr(a2, 19) ^ (a2 >>> 10);
        W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
      }
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (t = 0; t < 64; t++) {
        var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        var ch = (e & f) ^ (~e & g);
        var temp1 = (h + S1 + ch + K[t] + W[t]) | 0;
        var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var temp2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + temp1) | 0;
        d = c; c = b; b = a; a = (temp1 + temp2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    var out = new Uint8Array(32);
    [h0, h1, h2, h3, h4, h5, h6, h7].forEach(function (word, index) {
      out[index * 4] = (word >>> 24) & 0xff;
      out[index * 4 + 1] = (word >>> 16) & 0xff;
      out[index * 4 + 2] = (word >>> 8) & 0xff;
      out[index * 4 + 3] = word & 0xff;
    });
    return out;
  }

  function leadingZeroBits(digest) {
    var count = 0;
    for (var i = 0; i < digest.length; i++) {
      var byte = digest[i];
      if (byte === 0) { count += 8; continue; }
      while ((byte & 0x80) === 0) { count += 1; byte <<= 1; }
      return count;
    }
    return count;
  }

  var BATCH = 256;

  /* Web Crypto: hash a batch of nonces at once, so promise overhead is shared. */
  function solveWithWebCrypto(challenge, bits) {
    var encoder = new TextEncoder();
    var subtle = window.crypto.subtle;
    function batch(start) {
      var jobs = [];
      for (var n = start; n < start + BATCH; n++) {
        jobs.push(subtle.digest("SHA-256", encoder.encode(challenge + ":" + n)));
      }
      return Promise.all(jobs).then(function (digests) {
        for (var i = 0; i < digests.length; i++) {
          if (leadingZeroBits(new Uint8Array(digests[i])) >= bits) {
            return String(start + i);
          }
        }
        return batch(start + BATCH);
      });
    }
    return batch(0);
  }

  /* Without Web Crypto: the same search in plain script, yielding now and then so the
   * page stays responsive. */
  function solveInScript(challenge, bits) {
    return new Promise(function (resolve) {
      var nonce = 0;
      function step() {
        var stop = nonce + 20000;
        for (; nonce < stop; nonce++) {
          if (leadingZeroBits(sha256Ascii(challenge + ":" + nonce)) >= bits) {
            resolve(String(nonce));
            return;
          }
        }
        window.setTimeout(step, 0);
      }
      step();
    });
  }

  function solve(challenge, bits) {
    if (window.crypto && window.crypto.subtle && window.TextEncoder) {
      return solveWithWebCrypto(challenge, bits).catch(function () {
        return solveInScript(challenge, bits);
      });
    }
    return solveInScript(challenge, bits);
  }

  /* Exposed for the browser tests, which compare it with Web Crypto. */
  window.echoorgSha256Ascii = sha256Ascii;

  function protect(form) {
    var challenge = form.querySelector("input[name=pow_challenge]");
    var nonce = form.querySelector("input[name=pow_nonce]");
    var status = form.querySelector("[data-pow-status]");
    if (!challenge || !nonce) { return; }
    form.querySelectorAll("[data-pow-without-script]").forEach(function (note) {
      note.hidden = true;
    });
    var solving = false;
    var sent = false;
    form.addEventListener("submit", function (event) {
      // Sent once already: a second press (a double click) would only send it again.
      if (sent) { event.preventDefault(); return; }
      if (nonce.value) { sent = true; return; }  // solved: let the form go
      event.preventDefault();
      if (solving) { return; }
      solving = true;
      var buttons = form.querySelectorAll("button[type=submit]");
      buttons.forEach(function (button) { button.setAttribute("aria-disabled", "true"); });
      if (status) {
        status.textContent = "Checking the form before sending it. This usually takes a " +
          "few seconds; please wait.";
      }
      var started = Date.now();
      solve(challenge.value, parseInt(challenge.getAttribute("data-bits"), 10) || 0)
        .then(function (found) {
          nonce.value = found;
          if (status) {
            status.textContent = "Check done in " +
              Math.max(1, Math.round((Date.now() - started) / 1000)) + " s. Sending now.";
          }
          sent = true;
          form.submit();
        });
    });
  }

  document.querySelectorAll("form[data-proof-of-work]").forEach(protect);
}());
