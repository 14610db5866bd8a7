-- The order saga (README, "Orders and payments"): an order is PENDING until
-- the payments subgraph answers, then CONFIRMED or CANCELLED with a reason.
-- Orders placed before the saga existed were final when placed: PLACED
-- becomes CONFIRMED, and their cancellations were the customer's. They were
-- never paid for, so their payment method is recorded as 'none'.

-- CreateEnum
CREATE TYPE "OrderCancelReason" AS ENUM ('CUSTOMER', 'PAYMENT_DECLINED', 'PAYMENT_TIMEOUT');

-- AlterEnum (PLACED is renamed in the cast below)
CREATE TYPE "OrderStatus_new" AS ENUM ('PENDING', 'CONFIRMED', 'CANCELLED');
ALTER TABLE "Order" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "Order" ALTER COLUMN "status" TYPE "OrderStatus_new"
  USING (CASE "status"::text WHEN 'PLACED' THEN 'CONFIRMED' ELSE "status"::text END::"OrderStatus_new");
ALTER TYPE "OrderStatus" RENAME TO "OrderStatus_old";
ALTER TYPE "OrderStatus_new" RENAME TO "OrderStatus";
DROP TYPE "OrderStatus_old";
ALTER TABLE "Order" ALTER COLUMN "status" SET DEFAULT 'PENDING';

-- AlterTable
ALTER TABLE "Order" ADD COLUMN "cancelReason" "OrderCancelReason",
ADD COLUMN "paymentMethod" TEXT NOT NULL DEFAULT 'none';
ALTER TABLE "Order" ALTER COLUMN "paymentMethod" DROP DEFAULT;
UPDATE "Order" SET "cancelReason" = 'CUSTOMER' WHERE "status" = 'CANCELLED';

-- CreateTable
CREATE TABLE "ReceivedEvent" (
    "id" UUID NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReceivedEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex: the saga's timeout looks for old PENDING orders.
CREATE INDEX "Order_status_createdAt_idx" ON "Order"("status", "createdAt");
