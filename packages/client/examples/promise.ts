import { ApiError, createClient } from "@senderid/client"

const senderid = createClient({
  baseUrl: process.env.SENDERID_URL ?? "http://127.0.0.1:3000",
  apiKey: process.env.SENDERID_API_KEY ?? "",
  apiSecret: process.env.SENDERID_API_SECRET ?? "",
  language: "en"
})

try {
  const book = await senderid.registerNumber({ body: { phoneNumber: "031-234-5678" } })
  console.log(`${book.accountId} holds ${book.senderIds.length} of ${book.limit}`)
  await senderid.registerNumber({ body: { phoneNumber: "12345" } })
} catch (error) {
  if (!(error instanceof ApiError)) throw error
  console.log(`refused: ${error.status} ${error.errorCode}`)
} finally {
  await senderid.close()
}
