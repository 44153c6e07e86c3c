package redisstore_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/redisstore"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// Every replica of the callback endpoint runs the same wiring: its own
// go-redis client (a *redis.ClusterClient works the same), one Store with
// the shared prefix, passed to the handler with complaint.WithStore. The
// example needs a Redis and WeChat Pay keys, so it is compiled, not run.
func Example() {
	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
	defer rdb.Close()
	store := redisstore.New(rdb, redisstore.WithPrefix("shop:tousu:"))

	merchantKey, err := wechatpay.LoadPrivateKey(must(os.ReadFile("apiclient_key.pem")))
	if err != nil {
		log.Fatal(err)
	}
	wechatPayKey, err := wechatpay.LoadPublicKey(must(os.ReadFile("pub_key.pem")))
	if err != nil {
		log.Fatal(err)
	}
	client, err := wechatpay.NewClient(wechatpay.Credentials{
		MchID:      os.Getenv("WECHATPAY_MCHID"),
		CertSerial: os.Getenv("WECHATPAY_CERT_SERIAL"),
		PrivateKey: merchantKey,
		APIv3Key:   signing.NewSecret(os.Getenv("WECHATPAY_APIV3_KEY")),
	}, wechatpay.WithPublicKey(os.Getenv("WECHATPAY_PUBLIC_KEY_ID"), wechatPayKey))
	if err != nil {
		log.Fatal(err)
	}

	sink := complaint.SinkFunc(func(ctx context.Context, e *complaint.Event) error {
		log.Printf("complaint event %s for %v", e.Kind, e.Ref)
		return nil // enqueue and return: WeChat wants an answer within seconds
	})
	http.Handle("/notify/wechatpay", complaint.NewHandler(wechatpay.NewReceiver(client), sink,
		complaint.WithStore(store)))
	log.Fatal(http.ListenAndServe(":8080", nil))
}

func must(b []byte, err error) []byte {
	if err != nil {
		log.Fatal(err)
	}
	return b
}
