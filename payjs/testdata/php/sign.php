<?php
// Signs each JSON object read from stdin (one per line) the way PAYJS's PHP
// SDK (payjs-cn/phpsdk, checkSign) does and prints the signature per line.
$key = $argv[1];
while (($line = fgets(STDIN)) !== false) {
    $data = json_decode($line, true);
    unset($data['sign']);
    $data = array_filter($data);
    ksort($data);
    echo strtoupper(md5(urldecode(http_build_query($data)) . '&key=' . $key)), "\n";
}
