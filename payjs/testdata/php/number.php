<?php
// Reads one JSON number literal per line; prints [the text
// http_build_query writes for json_decode's value, whether array_filter drops it].
while (($line = fgets(STDIN)) !== false) {
  $lit = rtrim($line, "\n");
  $v = json_decode('{"a":'.$lit.'}', true)['a'];
  echo json_encode([substr(urldecode(http_build_query(["a"=>$v])), 2), count(array_filter(['a'=>$v])) == 0]), "\n";
}
