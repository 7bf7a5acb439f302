// The NOC dashboard in a real headless chromium (Debian's chromium and
// chromedriver): a master (HTTP on port 0, heartbeats every 500 ms, a slave
// dead after 1.5 s) with three slaves and some NextServer and TFTP traffic.
// The page must list the three slaves up, show a SIGKILLed slave down within
// dead_after + one refresh of the page, list its SLAVE_DOWN event, draw both
// charts, load nothing from anywhere but the master, and mark its data stale
// when the master stops answering. A screenshot is saved under the build
// directory (test-artifacts/dashboard.png).
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "provisor/v1/balancer.grpc.pb.h"
#include "tests/support/cluster.h"
#include "tests/support/master_process.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/webdriver.h"

namespace provisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::MasterProcess;
using testing::SlaveProcess;
using testing::WaitFor;
using testing::WebDriver;
using Json = nlohmann::json;

constexpr milliseconds kHeartbeat(500);
constexpr milliseconds kDeadAfter(1500);
constexpr milliseconds kPageRefresh(2000);  // dashboard.js polls /api/v1/cluster every 2 s
constexpr milliseconds kMargin(2000);       // scheduling on a loaded machine

const char kMac[] = "e0:5f:b9:a1:00:01";

// What the page shows, read from its DOM in one script.
const char kPageState[] = R"js(
  const visible = (node) => node !== null && node.offsetParent !== null;
  const rows = [...document.querySelectorAll('#slave-rows tr[data-slave]')].map((r) => ({
    id: r.dataset.slave,
    state: r.dataset.state,
    text: r.querySelector('[data-col="state"]').textContent,
    weight: r.querySelector('[data-col="weight"]').textContent,
    overridden: r.querySelector('[data-col="weight"]').dataset.overridden === 'true',
    actions: visible(r.querySelector('[data-col="actions"]')),
  }));
  const events = [...document.querySelectorAll('#events li')].map((li) => ({
    seq: Number(li.dataset.seq), id: li.dataset.event, slave: li.dataset.slave,
  }));
  const charts = ['chart-transfers', 'chart-next-server'].map((id) => {
    const canvas = document.getElementById(id);
    const legend = canvas.parentElement.querySelector('.legend');
    return {
      id,
      points: Number(canvas.dataset.points || 0),
      legend: [...legend.querySelectorAll('li')].map((li) => li.dataset.slave),
    };
  });
  return {
    title: document.title,
    connection: document.getElementById('connection').dataset.state,
    mode: document.getElementById('mode').textContent,
    token_field: visible(document.getElementById('admin-token')),
    message: document.getElementById('admin-message').hidden ? ''
        : document.getElementById('admin-message').textContent,
    rows, events, charts,
  };
)js";

// Pixels drawn on a chart's canvas: in all, and in the colours of its legend.
const char kChartPixels[] = R"js(
  const canvas = document.getElementById(arguments[0]);
  const legend = canvas.parentElement.querySelectorAll('.legend .swatch');
  const colours = [...legend].map((s) => getComputedStyle(s).backgroundColor
      .match(/\d+/g).slice(0, 3).map(Number));
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  let series = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    ++drawn;
    if (data[i + 3] > 200 && colours.some((c) => Math.abs(c[0] - data[i]) < 8 &&
        Math.abs(c[1] - data[i + 1]) < 8 && Math.abs(c[2] - data[i + 2]) < 8)) {
      ++series;
    }
  }
  return {width: canvas.width, height: canvas.height, drawn, series};
)js";

// Every resource the page loaded (and every src/href in it) that is not on
// the master's origin.
const char kForeignResources[] = R"js(
  const origin = location.origin;
  const names = performance.getEntriesByType('resource').map((e) => e.name)
      .concat(performance.getEntriesByType('navigation').map((e) => e.name))
      .concat([...document.querySelectorAll('[src], [href]')]
          .map((n) => n.src || n.href).filter((u) => !u.startsWith('data:')));
  return {
    origin,
    count: names.length,
    foreign: names.filter((u) => new URL(u, origin).origin !== origin),
  };
)js";

Json Row(const Json& page, const std::string& id) {
  for (const Json& row : page.at("rows")) {
    if (row.at("id") == id) return row;
  }
  return nullptr;
}

std::string StateOf(const Json& page, const std::string& id) {
  Json row = Row(page, id);
  return row.is_object() ? row.at("state").get<std::string>() : "";
}

bool HasEvent(const Json& page, const std::string& event, const std::string& slave) {
  for (const Json& e : page.at("events")) {
    if (e.at("id") == event && e.at("slave") == slave) return true;
  }
  return false;
}

// NextServer answers (gRPC, as the DHCP front end asks) and TFTP fetches of
// the named file from the named slave, until stopped: the charts get data.
class Traffic {
 public:
  Traffic(const MasterProcess& master, std::map<std::string, int> tftp_ports)
      : ports_(std::move(tftp_ports)),
        stub_(v1::Balancer::NewStub(
            grpc::CreateChannel(master.address, grpc::InsecureChannelCredentials()))),
        thread_([this] { Run(); }) {}
  ~Traffic() {
    stop_ = true;
    thread_.join();
  }
  int answers() const { return answers_; }

 private:
  void Run() {
    for (int i = 0; !stop_; ++i) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + seconds(2));
      v1::NextServerRequest request;
      request.set_mac(kMac);
      request.set_client_ip("127.0.0.1");
      v1::NextServerResponse response;
      if (stub_->NextServer(&context, request, &response).ok()) {
        ++answers_;
        auto port = ports_.find(response.slave());
        if (i % 4 == 0 && port != ports_.end()) {
          testing::RunCommand({"tftp", "127.0.0.1", std::to_string(port->second), "-c", "get",
                               response.filename(), dir_.path() + "/file"},
                              seconds(5));
        }
      }
      // Pacing only (about 20 asks a second), not waiting for anything.
      std::this_thread::sleep_for(milliseconds(50));
    }
  }

  testing::TempDir dir_;
  const std::map<std::string, int> ports_;
  std::unique_ptr<v1::Balancer::Stub> stub_;
  std::atomic<bool> stop_{false};
  std::atomic<int> answers_{0};
  std::thread thread_;
};

TEST_CASE("the dashboard shows the cluster live and a killed slave down, in a real browser") {
  if (!testing::HaveBrowser()) {
    WARN("chromium or chromedriver is not installed (deploy/setup.sh installs them): "
         "the browser test is skipped");
    return;
  }
  MasterProcess master("http_listen = \"127.0.0.1:0\"\n"
                       "[cluster]\n"
                       "heartbeat_interval = \"" + std::to_string(kHeartbeat.count()) + "ms\"\n"
                       "dead_after = \"" + std::to_string(kDeadAfter.count()) + "ms\"\n");
  INFO(master.daemon->output());
  REQUIRE_FALSE(master.http_address.empty());
  testing::ImportExamples(master, PROVISOR_SOURCE_DIR);
  SlaveProcess s1("s1", master.address), s2("s2", master.address), s3("s3", master.address);
  WebDriver browser;
  const std::string url = "http://" + master.http_address + "/";
  browser.Navigate(url);
  Json page;
  auto read = [&] {
    page = browser.Execute(kPageState);
    return page;
  };

  // Three rows, all up.
  bool all_up = WaitFor([&] {
    read();
    if (page.at("rows").size() != 3) return false;
    for (const Json& row : page.at("rows")) {
      if (row.at("state") != "up") return false;
    }
    return true;
  });
  INFO(page.dump(2));
  REQUIRE(all_up);
  CHECK(page.at("title") == "provisor NOC dashboard");
  CHECK(page.at("connection") == "live");
  for (const char* id : {"s1", "s2", "s3"}) {
    Json row = Row(page, id);
    REQUIRE(row.is_object());
    CHECK(row.at("text").get<std::string>().find("up") == 0);
    CHECK_FALSE(row.at("actions"));  // no [http] admin_token: read-only
  }
  CHECK(page.at("mode") == "read-only");
  CHECK_FALSE(page.at("token_field"));
  REQUIRE(WaitFor([&] { return HasEvent(read(), "SLAVE_UP", "s2"); }, seconds(10)));
  Traffic traffic(master, {{"s1", s1.tftp.port()}, {"s2", s2.tftp.port()},
                           {"s3", s3.tftp.port()}});

  // s2 dies: the page shows it down within dead_after + one refresh.
  const auto killed = std::chrono::steady_clock::now();
  s2.Stop(SIGKILL);
  const bool down = WaitFor([&] { return StateOf(read(), "s2") == "down"; });
  const auto shown_after = std::chrono::duration_cast<milliseconds>(
      std::chrono::steady_clock::now() - killed);
  INFO(page.dump(2));
  REQUIRE(down);
  std::cout << "dashboard: s2 shown down " << shown_after.count() << " ms after SIGKILL (limit "
            << (kDeadAfter + kPageRefresh + kMargin).count() << " ms)\n";
  CHECK(shown_after <= kDeadAfter + kPageRefresh + kMargin);
  CHECK(Row(page, "s2").at("text") == "down");
  CHECK(StateOf(page, "s1") == "up");
  CHECK(StateOf(page, "s3") == "up");

  // Its SLAVE_DOWN event, newest first.
  REQUIRE(WaitFor([&] { return HasEvent(read(), "SLAVE_DOWN", "s2"); }, seconds(10)));
  const Json& events = page.at("events");
  for (size_t i = 1; i < events.size(); ++i) {
    CHECK(events[i - 1].at("seq").get<int>() > events[i].at("seq").get<int>());
  }

  // Both charts drawn, with a line per slave in its legend's colour.
  const bool charted = WaitFor([&] {
    read();
    for (const Json& chart : page.at("charts")) {
      if (chart.at("points").get<int>() == 0 || chart.at("legend").size() != 3) return false;
    }
    return true;
  }, seconds(30));
  INFO(page.dump(2));
  CHECK(charted);
  for (const char* canvas : {"chart-transfers", "chart-next-server"}) {
    Json pixels = browser.Execute(kChartPixels, Json::array({canvas}));
    INFO(canvas << ": " << pixels.dump());
    CHECK(pixels.at("width").get<int>() > 0);
    CHECK(pixels.at("drawn").get<int>() > 1000);  // axes, grid, labels and lines
    CHECK(pixels.at("series").get<int>() >= 20);  // the slaves' lines and latest points
  }
  CHECK(traffic.answers() > 0);

  // Everything came from the master.
  Json resources = browser.Execute(kForeignResources);
  INFO(resources.dump(2));
  CHECK(resources.at("origin") == "http://" + master.http_address);
  CHECK(resources.at("count").get<int>() >= 8);  // page, css, the four scripts, and the API
  CHECK(resources.at("foreign").empty());

  // The screenshot, as a test artifact.
  std::filesystem::create_directories(PROVISOR_ARTIFACT_DIR);
  const std::string png_path = std::string(PROVISOR_ARTIFACT_DIR) + "/dashboard.png";
  const std::string png = browser.Screenshot();
  REQUIRE(png.size() > 1000);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  std::ofstream(png_path, std::ios::binary) << png;
  std::cout << "dashboard: screenshot saved to " << png_path << "\n";

  // The master stops answering: the page keeps its rows, marked stale.
  master.Stop(SIGKILL);
  const bool stale = WaitFor([&] { return read().at("connection") == "stale"; }, seconds(10));
  INFO(page.dump(2));
  CHECK(stale);
  CHECK(page.at("rows").size() == 3);
}

// Types `text` into the element matching `selector` as a person would
// (the page listens to "input"), then clicks `button` if given.
void TypeAndClick(WebDriver& browser, const std::string& selector, const std::string& text,
                  const std::string& button = "") {
  browser.Execute(R"js(
    const field = document.querySelector(arguments[0]);
    field.value = arguments[1];
    field.dispatchEvent(new Event('input', {bubbles: true}));
    if (arguments[2]) document.querySelector(arguments[2]).click();
  )js", Json::array({selector, text, button}));
}

void Click(WebDriver& browser, const std::string& selector) {
  browser.Execute("document.querySelector(arguments[0]).click();", Json::array({selector}));
}

TEST_CASE("with an admin token the dashboard drains, undrains and re-weights a slave") {
  if (!testing::HaveBrowser()) {
    WARN("chromium or chromedriver is not installed (deploy/setup.sh installs them): "
         "the browser test is skipped");
    return;
  }
  const std::string token = "dashboard-test-token-0123456789";
  MasterProcess master("http_listen = \"127.0.0.1:0\"\n"
                       "[http]\n"
                       "admin_token = \"" + token + "\"\n");
  INFO(master.daemon->output());
  REQUIRE_FALSE(master.http_address.empty());
  SlaveProcess s1("s1", master.address);

  WebDriver browser;
  browser.Navigate("http://" + master.http_address + "/");
  Json page;
  auto read = [&] {
    page = browser.Execute(kPageState);
    return page;
  };
  const bool ready = WaitFor([&] { return StateOf(read(), "s1") == "up"; });
  INFO(page.dump(2));
  REQUIRE(ready);
  CHECK(page.at("mode") == "admin actions enabled");
  CHECK(page.at("token_field"));
  CHECK(Row(page, "s1").at("actions"));

  // The message above the table: each action's outcome, shown when the
  // page's handler has it (a POST's answer can come after the page's own
  // poll already shows the slave's new state), so the test waits for it.
  auto message_starts = [&](const std::string& prefix) {
    return WaitFor([&] { return read().at("message").get<std::string>().find(prefix) == 0; },
                   seconds(10));
  };

  const std::string drain = "tr[data-slave=\"s1\"] button.drain";
  // No token yet: the page asks for one and sends nothing.
  Click(browser, drain);
  CHECK(message_starts("Type the admin token"));

  // A wrong token: the master's 401 is shown, the slave stays up.
  TypeAndClick(browser, "#admin-token", "not-the-token", drain);
  REQUIRE(WaitFor([&] {
    return read().at("message").get<std::string>().find("HTTP 401") != std::string::npos;
  }, seconds(10)));
  CHECK(StateOf(page, "s1") == "up");

  // The right token: drained, then undrained.
  TypeAndClick(browser, "#admin-token", token, drain);
  REQUIRE(WaitFor([&] { return StateOf(read(), "s1") == "draining"; }, seconds(10)));
  CHECK(message_starts("Drain s1: done."));
  Click(browser, drain);
  REQUIRE(WaitFor([&] { return StateOf(read(), "s1") == "up"; }, seconds(10)));
  CHECK(message_starts("Undrain s1: done."));

  // A weight: shown as set by an operator.
  TypeAndClick(browser, "tr[data-slave=\"s1\"] input.weight-input", "40",
               "tr[data-slave=\"s1\"] button.set-weight");
  REQUIRE(WaitFor([&] { return Row(read(), "s1").at("overridden").get<bool>(); }, seconds(10)));
  CHECK(Row(page, "s1").at("weight") == "40 *");
  // Its answer handled, so it cannot replace the next message.
  CHECK(message_starts("Setting the weight of s1 to 40: done."));
  // A bad one is refused by the page before it is sent.
  TypeAndClick(browser, "tr[data-slave=\"s1\"] input.weight-input", "-3",
               "tr[data-slave=\"s1\"] button.set-weight");
  CHECK(message_starts("Weight for s1 must be a whole number"));

  // The token never appears in the address bar.
  CHECK(browser.Execute("return location.href;") == "http://" + master.http_address + "/");

  // What the master recorded.
  REQUIRE(WaitFor([&] {
    read();
    return HasEvent(page, "SLAVE_DRAIN", "s1") && HasEvent(page, "SLAVE_UNDRAIN", "s1") &&
           HasEvent(page, "SLAVE_WEIGHT", "s1");
  }, seconds(10)));
}

}  // namespace
}  // namespace provisor
