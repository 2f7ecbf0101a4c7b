#!/usr/bin/env bash
# End-to-end S3 checks with real command-line clients, run by CliToolsIT.
#
# Usage: s3-cli-tools.sh awscli|s3cmd-v2|s3cmd-v4|boto3
# Environment: S3_ENDPOINT (http://host:port), S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION,
#              WORK_DIR (scratch directory, created), BUCKET (fresh bucket name).
# Every step must succeed and every download must match its upload byte for byte (sha256sum).
set -euo pipefail

mode=${1:?mode}
: "${S3_ENDPOINT:?}" "${S3_ACCESS_KEY:?}" "${S3_SECRET_KEY:?}" "${S3_REGION:?}" \
  "${WORK_DIR:?}" "${BUCKET:?}"
mkdir -p "$WORK_DIR"
cd "$WORK_DIR"
hostport=${S3_ENDPOINT#http://}

step() { printf '== %s\n' "$*"; }
same() {
  local a b
  a=$(sha256sum < "$1" | cut -d' ' -f1)
  b=$(sha256sum < "$2" | cut -d' ' -f1)
  if [[ "$a" != "$b" ]]; then
    echo "MISMATCH: $1 ($a) != $2 ($b)" >&2
    exit 1
  fi
  echo "ok: $2 matches $1 ($a)"
}
files() {
  head -c 1048576 /dev/urandom > one-mib.bin
  head -c 104857600 /dev/urandom > hundred-mib.bin
  printf 'hello from %s\n' "$mode" > small.txt
}

run_awscli() {
  # A private config: path-style addressing, no profile or instance metadata lookups.
  export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
  export AWS_DEFAULT_REGION=$S3_REGION AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
  export AWS_CONFIG_FILE=$WORK_DIR/aws-config AWS_SHARED_CREDENTIALS_FILE=$WORK_DIR/aws-creds
  printf '[default]\nregion = %s\ns3 =\n    addressing_style = path\n' "$S3_REGION" \
    > "$AWS_CONFIG_FILE"
  : > "$AWS_SHARED_CREDENTIALS_FILE"
  local aws=(aws --endpoint-url "$S3_ENDPOINT")
  aws --version
  files
  step "aws s3 mb"; "${aws[@]}" s3 mb "s3://$BUCKET"
  step "aws s3 cp 1 MiB"; "${aws[@]}" s3 cp one-mib.bin "s3://$BUCKET/dir/one-mib.bin"
  step "aws s3 cp 100 MiB (multipart)"
  "${aws[@]}" s3 cp hundred-mib.bin "s3://$BUCKET/dir/hundred-mib.bin"
  step "aws s3 ls"
  "${aws[@]}" s3 ls "s3://$BUCKET/dir/" | tee ls.txt
  grep -q ' 1048576 one-mib.bin$' ls.txt
  grep -q ' 104857600 hundred-mib.bin$' ls.txt
  # Into a file first: grep -q would stop reading at its match, and a long listing (a server shared
  # with other tests) would then die of a broken pipe.
  "${aws[@]}" s3 ls > buckets.txt
  grep -q " $BUCKET\$" buckets.txt
  step "aws s3 cp back"
  "${aws[@]}" s3 cp "s3://$BUCKET/dir/one-mib.bin" one-mib.back
  "${aws[@]}" s3 cp "s3://$BUCKET/dir/hundred-mib.bin" hundred-mib.back
  same one-mib.bin one-mib.back
  same hundred-mib.bin hundred-mib.back
  # Above its 8 MiB multipart threshold awscli copies between S3 locations with UploadPartCopy.
  step "aws s3 cp S3 to S3, 100 MiB (UploadPartCopy)"
  "${aws[@]}" s3 cp "s3://$BUCKET/dir/hundred-mib.bin" "s3://$BUCKET/copy/hundred-mib.bin"
  "${aws[@]}" s3 cp "s3://$BUCKET/copy/hundred-mib.bin" hundred-copy.back
  same hundred-mib.bin hundred-copy.back
  step "aws s3api head-object of the multipart object"
  "${aws[@]}" s3api head-object --bucket "$BUCKET" --key dir/hundred-mib.bin | tee head.json
  grep -q '"ContentLength": 104857600' head.json
  grep -Eq '"ETag": "\\"[0-9a-f]{32}-[0-9]+\\""' head.json
  step "aws s3api put-object/get-object/head-object"
  "${aws[@]}" s3api put-object --bucket "$BUCKET" --key api/small.txt --body small.txt \
    --content-type text/plain --metadata origin=awscli | tee put.json
  "${aws[@]}" s3api head-object --bucket "$BUCKET" --key api/small.txt | tee head2.json
  grep -q '"origin": "awscli"' head2.json
  grep -q '"ContentType": "text/plain"' head2.json
  "${aws[@]}" s3api get-object --bucket "$BUCKET" --key api/small.txt small.back > get.json
  same small.txt small.back
  step "aws s3 rm"
  "${aws[@]}" s3 rm "s3://$BUCKET/dir/one-mib.bin"
  "${aws[@]}" s3 rm --recursive "s3://$BUCKET/"
  if [[ -n "$("${aws[@]}" s3 ls "s3://$BUCKET/" --recursive)" ]]; then
    echo "bucket not empty after rm --recursive" >&2
    exit 1
  fi
  step "aws s3 rb"; "${aws[@]}" s3 rb "s3://$BUCKET"
}

run_s3cmd() {
  local sig=$1
  # An empty config file: every setting comes from the command line.
  : > s3cfg
  local s3cmd=(s3cmd --config=s3cfg --access_key="$S3_ACCESS_KEY" --secret_key="$S3_SECRET_KEY"
    --host="$hostport" --host-bucket="$hostport" --no-ssl --region="$S3_REGION"
    --no-check-md5 --no-progress)
  if [[ "$sig" == v2 ]]; then
    s3cmd+=(--signature-v2)
  fi
  s3cmd --version
  files
  step "s3cmd mb ($sig)"; "${s3cmd[@]}" mb "s3://$BUCKET"
  step "s3cmd put"
  "${s3cmd[@]}" put small.txt "s3://$BUCKET/small.txt"
  "${s3cmd[@]}" put one-mib.bin "s3://$BUCKET/data/one-mib.bin"
  # 15 MiB chunks: s3cmd's multipart upload.
  "${s3cmd[@]}" put --multipart-chunk-size-mb=15 hundred-mib.bin "s3://$BUCKET/data/hundred.bin"
  step "s3cmd ls"
  "${s3cmd[@]}" ls "s3://$BUCKET/data/" | tee ls.txt
  grep -q "1048576 *s3://$BUCKET/data/one-mib.bin" ls.txt
  grep -q "104857600 *s3://$BUCKET/data/hundred.bin" ls.txt
  "${s3cmd[@]}" ls > buckets.txt
  grep -q "s3://$BUCKET\$" buckets.txt
  step "s3cmd get"
  "${s3cmd[@]}" get "s3://$BUCKET/small.txt" small.back
  "${s3cmd[@]}" get "s3://$BUCKET/data/one-mib.bin" one-mib.back
  "${s3cmd[@]}" get "s3://$BUCKET/data/hundred.bin" hundred.back
  same small.txt small.back
  same one-mib.bin one-mib.back
  same hundred-mib.bin hundred.back
  step "s3cmd del"
  "${s3cmd[@]}" del "s3://$BUCKET/small.txt"
  "${s3cmd[@]}" del --recursive --force "s3://$BUCKET/data/"
  step "s3cmd rb"; "${s3cmd[@]}" rb "s3://$BUCKET"
}

run_boto3() {
  python3 - <<'PY'
import hashlib, os, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT"],
                  aws_access_key_id=os.environ["S3_ACCESS_KEY"],
                  aws_secret_access_key=os.environ["S3_SECRET_KEY"],
                  region_name=os.environ["S3_REGION"],
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
bucket = os.environ["BUCKET"]
print("boto3", boto3.__version__)
s3.create_bucket(Bucket=bucket)
data = os.urandom(3 * 1024 * 1024 + 17)
s3.put_object(Bucket=bucket, Key="b/obj", Body=data, Metadata={"via": "boto3"})
head = s3.head_object(Bucket=bucket, Key="b/obj")
assert head["ContentLength"] == len(data), head
assert head["Metadata"] == {"via": "boto3"}, head
got = s3.get_object(Bucket=bucket, Key="b/obj")["Body"].read()
assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest(), "content differs"
rng = s3.get_object(Bucket=bucket, Key="b/obj", Range="bytes=10-19")
assert rng["Body"].read() == data[10:20] and rng["ResponseMetadata"]["HTTPStatusCode"] == 206
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
assert keys == ["b/obj"], keys
# boto3's presigned URLs (SigV2 query form here): botocore signs a bucket's resource as "/bucket/"
import urllib.request
for op, params in [("get_object", {"Bucket": bucket, "Key": "b/obj"}),
                   ("list_objects_v2", {"Bucket": bucket, "MaxKeys": 5})]:
    with urllib.request.urlopen(s3.generate_presigned_url(op, Params=params, ExpiresIn=300)) as r:
        body = r.read()
        assert r.status == 200, (op, r.status)
    assert body == data if op == "get_object" else b"<Key>b/obj</Key>" in body, (op, body[:200])
s3.delete_object(Bucket=bucket, Key="b/obj")
s3.delete_bucket(Bucket=bucket)
print("ok: boto3 round trip")
PY
}

case "$mode" in
  awscli) run_awscli ;;
  s3cmd-v2) run_s3cmd v2 ;;
  s3cmd-v4) run_s3cmd v4 ;;
  boto3) run_boto3 ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
echo "PASSED: $mode"
