<?php
// Reads one JSON array of keys per line; prints the indexes of the keys in
// the order ksort leaves an array with those keys, inserted in that order.
while (($line = fgets(STDIN)) !== false) {
  $keys = json_decode($line, true);
  $a = [];
  foreach ($keys as $i => $k) { $a[$k] = $i; }
  ksort($a);
  echo json_encode(array_values($a)), "\n";
}
