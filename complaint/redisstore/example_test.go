package redisstore_test

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"

	"github.com/redis/go-redis/v9"

	"github.com/tousu-go/tousu/complaint"
	"github.com/tousu-go/tousu/complaint/redisstore"
	"github.com/tousu-go/tousu/signing"
	"github.com/tousu-go/tousu/wechatpay"
)

// Every replica runs the same wiring: its own go-redis client (a
// *redis.ClusterClient works the same) and one Store with the shared prefix,
// which is the handler's lease store (complaint.WithStore), the poller's
// state (complaint.WithPollState), and, shared with the handler
// (complaint.WithSharedPollState), the record of what reached the sink. The
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
		complaint.WithStore(store),
		complaint.WithEnrichment(client.Adapter()), // the complaint rides along with the event
		complaint.WithSharedPollState(store)))

	// The safety net for missed callbacks: whichever replica holds the
	// source's poll lease lists it; the others wait for the next interval.
	poller, err := complaint.NewPoller(sink, []complaint.PollSource{
		{Name: "wechatpay-" + os.Getenv("WECHATPAY_MCHID"), Source: client.Adapter()},
	}, complaint.WithPollState(store))
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() { _ = poller.Run(ctx) }()

	srv := &http.Server{Addr: ":8080"}
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		log.Fatal(err)
	}
	return b
}
