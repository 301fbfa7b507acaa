package web

import (
	"bytes"
	"hash/crc32"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// etag gives a 200 answer with a body an ETag, its length and its CRC-32,
// and answers a request whose If-None-Match names it with 304, as Fiber's
// etag middleware does. It is not that middleware because of its CRC: a
// Koopman polynomial, which Go computes a byte at a time (120 MB/s here:
// 40% of the CPU of a cached form of 9 KB), where the IEEE one is computed
// by the processor (10 GB/s). The tag is the same on every node.
func etag(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	res := c.Response()
	body := res.Body()
	if res.StatusCode() != fiber.StatusOK || len(body) == 0 || len(res.Header.Peek(fiber.HeaderETag)) > 0 {
		return nil
	}
	var buf [32]byte
	tag := append(buf[:0], '"')
	tag = strconv.AppendInt(tag, int64(len(body)), 10)
	tag = append(tag, '-')
	tag = strconv.AppendUint(tag, uint64(crc32.ChecksumIEEE(body)), 10)
	tag = append(tag, '"')
	// A weak comparison, as RFC 9110 asks of If-None-Match: W/"x" names "x".
	if bytes.Contains(c.Request().Header.Peek(fiber.HeaderIfNoneMatch), tag) {
		res.ResetBody()
		res.SetStatusCode(fiber.StatusNotModified)
		return nil
	}
	res.Header.SetBytesV(fiber.HeaderETag, tag)
	return nil
}
