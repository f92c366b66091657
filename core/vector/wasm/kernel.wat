;; Scoring kernel for core/vector (compiled to kernel.wasm by `npm run build:wasm`).
;;
;; Rows are float32, `stride` bytes apart, stride a multiple of 64 (16 floats, zero padded), so
;; the inner loop always consumes four 128-bit lanes per step. Four accumulators break the
;; add-latency chain; the reduction order is fixed ((a0+a1)+(a2+a3), then lanes (0+1)+(2+3)) so
;; that the JS fallback in kernel.ts reproduces every score bit for bit. No FMA (relaxed SIMD
;; would make results machine-dependent).
;;
;; The memory is exported and grown by the caller; every pointer is a byte offset.
(module
  (memory (export "memory") 1)

  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; dot(q, row) over `stride` bytes
  (func $dot (param $q i32) (param $p i32) (param $stride i32) (result f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $end i32)
    (local.set $end (i32.add (local.get $p) (local.get $stride)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a0 (f32x4.add (local.get $a0)
          (f32x4.mul (v128.load offset=0 (local.get $q)) (v128.load offset=0 (local.get $p)))))
        (local.set $a1 (f32x4.add (local.get $a1)
          (f32x4.mul (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $p)))))
        (local.set $a2 (f32x4.add (local.get $a2)
          (f32x4.mul (v128.load offset=32 (local.get $q)) (v128.load offset=32 (local.get $p)))))
        (local.set $a3 (f32x4.add (local.get $a3)
          (f32x4.mul (v128.load offset=48 (local.get $q)) (v128.load offset=48 (local.get $p)))))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $step)))
    (call $hsum (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3)))))

  ;; squared euclidean distance |q - row|^2 over `stride` bytes
  (func $l2 (param $q i32) (param $p i32) (param $stride i32) (result f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $d v128) (local $end i32)
    (local.set $end (i32.add (local.get $p) (local.get $stride)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $d (f32x4.sub (v128.load offset=0 (local.get $q)) (v128.load offset=0 (local.get $p))))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $p))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=32 (local.get $q)) (v128.load offset=32 (local.get $p))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=48 (local.get $q)) (v128.load offset=48 (local.get $p))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $step)))
    (call $hsum (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3)))))

  ;; out[i] = dot(q, row first+i) for i < n (rows contiguous from `base`)
  (func (export "dot_rows") (param $q i32) (param $base i32) (param $stride i32) (param $first i32) (param $n i32) (param $out i32)
    (local $p i32) (local $end i32)
    (local.set $p (i32.add (local.get $base) (i32.mul (local.get $first) (local.get $stride))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (f32.store (local.get $out) (call $dot (local.get $q) (local.get $p) (local.get $stride)))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $row))))

  ;; out[i] = dot(q, row idx[i]) for i < n (idx: int32 row numbers)
  (func (export "dot_list") (param $q i32) (param $base i32) (param $stride i32) (param $idx i32) (param $n i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (f32.store (local.get $out)
          (call $dot (local.get $q)
            (i32.add (local.get $base) (i32.mul (i32.load (local.get $idx)) (local.get $stride)))
            (local.get $stride)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $row))))

  (func (export "l2_rows") (param $q i32) (param $base i32) (param $stride i32) (param $first i32) (param $n i32) (param $out i32)
    (local $p i32) (local $end i32)
    (local.set $p (i32.add (local.get $base) (i32.mul (local.get $first) (local.get $stride))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (f32.store (local.get $out) (call $l2 (local.get $q) (local.get $p) (local.get $stride)))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $row))))

  (func (export "l2_list") (param $q i32) (param $base i32) (param $stride i32) (param $idx i32) (param $n i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (f32.store (local.get $out)
          (call $l2 (local.get $q)
            (i32.add (local.get $base) (i32.mul (i32.load (local.get $idx)) (local.get $stride)))
            (local.get $stride)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $row)))))
