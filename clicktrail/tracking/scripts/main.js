/*
 * clicktrail JavaScript SDK, served by the tracking host at /scripts/main.js.
 *
 * The global EF object of Everflow's public SDK docs: EF.configure, EF.click, EF.conversion,
 * EF.impression, EF.urlParameter, EF.getTransactionId. Written for clicktrail; no
 * dependencies, no build step. Calls go to the host that served this file (or
 * EF.configure({tracking_domain}) / a call's own tracking_domain) with credentials, so the
 * tracking host's cookie travels along. A click's transaction id is kept per offer in a
 * first-party cookie and in localStorage ("ef_tid_o_<offer_id>", and the latest one in
 * "_ef_transaction_id"), where EF.conversion finds it on a later page.
 */
(function (window, document) {
  "use strict";
  if (window.EF && window.EF.sdk === "clicktrail") {
    return;
  }
  var script = document.currentScript;
  var config = {
    tracking_domain: script && script.src ? new URL(script.src, window.location.href).origin : "",
    tld: "",
    organic: null,
  };
  var MAX_AGE = 30 * 86400;
  var LATEST = "_ef_transaction_id";
  var OFFER_PREFIX = "ef_tid_o_";
  var TID = /^[0-9a-f]{32}$/;
  var CLICK_FIELDS = [
    "uid", "creative_id", "sub1", "sub2", "sub3", "sub4", "sub5", "source_id",
    "coupon_code", "fbclid", "gclid", "ttclid",
  ];
  var CONVERSION_FIELDS = [
    "amount", "event_id", "adv_event_id", "coupon_code", "order_id", "user_id",
    "verification_token", "email", "adv1", "adv2", "adv3", "adv4", "adv5",
  ];
  var IMPRESSION_FIELDS = ["sub1", "sub2", "sub3", "sub4", "sub5", "source_id"];

  function present(value) {
    return value !== undefined && value !== null && String(value) !== "";
  }

  function origin(options) {
    var domain = (options && options.tracking_domain) || config.tracking_domain;
    if (!/^https?:\/\//.test(domain)) {
      domain = "https://" + domain;
    }
    return domain.replace(/\/+$/, "");
  }

  // The query string: the named fields first, then free-form "parameters" (the server keeps
  // the first of a repeated name, so a free-form one never replaces a named one).
  function query(first, options, fields) {
    var params = new URLSearchParams();
    var name;
    for (name in first) {
      if (present(first[name])) {
        params.append(name, String(first[name]));
      }
    }
    for (var i = 0; i < fields.length; i += 1) {
      if (present(options[fields[i]])) {
        params.append(fields[i], String(options[fields[i]]));
      }
    }
    var extra = options.parameters || {};
    for (name in extra) {
      if (Object.prototype.hasOwnProperty.call(extra, name) && present(extra[name]) &&
          !params.has(name)) {
        params.append(name, String(extra[name]));
      }
    }
    return params.toString();
  }

  function call(path, search, options) {
    var url = origin(options) + path + "?" + search;
    return window.fetch(url, { credentials: "include", mode: "cors", cache: "no-store" })
      .then(function (response) {
        return response.text().then(function (text) {
          var body = {};
          try {
            body = text ? JSON.parse(text) : {};
          } catch (ignored) {
            body = { error: text };
          }
          if (!response.ok) {
            throw new Error(body.error || "HTTP " + response.status);
          }
          return body;
        });
      });
  }

  function readCookie(name) {
    var pairs = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < pairs.length; i += 1) {
      var pair = pairs[i].trim();
      if (pair.indexOf(name + "=") === 0) {
        return decodeURIComponent(pair.slice(name.length + 1));
      }
    }
    return "";
  }

  function writeCookie(name, value) {
    var parts = [name + "=" + encodeURIComponent(value), "path=/", "max-age=" + MAX_AGE,
      "samesite=lax"];
    if (config.tld) {
      parts.push("domain=" + config.tld);
    }
    if (window.location.protocol === "https:") {
      parts.push("secure");
    }
    document.cookie = parts.join("; ");
  }

  function readStorage(name) {
    try {
      return window.localStorage.getItem(name) || "";
    } catch (ignored) {
      return "";  // storage disabled: the cookies still work
    }
  }

  function remember(offerId, transactionId) {
    var names = [LATEST];
    if (present(offerId)) {
      names.push(OFFER_PREFIX + offerId);
    }
    for (var i = 0; i < names.length; i += 1) {
      writeCookie(names[i], transactionId);
      try {
        window.localStorage.setItem(names[i], transactionId);
      } catch (ignored) {
        // storage disabled or full: the cookie is enough
      }
    }
  }

  function stored(name) {
    var found = readCookie(name) || readStorage(name);
    return TID.test(found) ? found : "";
  }

  function urlParameter(name) {
    return new URLSearchParams(window.location.search).get(name) || "";
  }

  function getTransactionId(offerId) {
    return present(offerId) ? stored(OFFER_PREFIX + offerId) : stored(LATEST);
  }

  function configure(options) {
    options = options || {};
    if (present(options.tracking_domain)) {
      config.tracking_domain = String(options.tracking_domain);
    }
    if (present(options.tld)) {
      config.tld = String(options.tld);
    }
    if (options.organic) {
      config.organic = options.organic;
    }
  }

  function click(options) {
    options = options || {};
    var offerId = options.offer_id;
    var affiliateId = options.affiliate_id;
    var given = String(options.transaction_id || "").toLowerCase();
    if (TID.test(given)) {
      // A click already recorded (by a redirect that passed _ef_transaction_id): keep it.
      remember(offerId, given);
      return Promise.resolve(given);
    }
    if (!present(affiliateId) && config.organic) {
      var previous = getTransactionId(offerId);
      if (previous) {
        return Promise.resolve(previous);
      }
      offerId = config.organic.offer_id;
      affiliateId = config.organic.affiliate_id;
    }
    if (!present(offerId) || !present(affiliateId)) {
      // A visit without a direct link's ids (an organic one) is no click: nothing to record.
      return Promise.resolve("");
    }
    var search = query({ oid: offerId, affid: affiliateId }, options, CLICK_FIELDS);
    return call("/sdk/click", search, options).then(function (body) {
      remember(offerId, body.transaction_id);
      return body.transaction_id;
    });
  }

  function conversion(options) {
    options = options || {};
    if (!present(options.offer_id) && !present(options.aid)) {
      return Promise.reject(new Error("EF.conversion needs offer_id or aid"));
    }
    var transactionId = options.transaction_id || getTransactionId(options.offer_id);
    var first = { oid: options.offer_id, aid: options.aid, transaction_id: transactionId };
    return call("/sdk/conversion", query(first, options, CONVERSION_FIELDS), options);
  }

  function impression(options) {
    options = options || {};
    if (!present(options.offer_id) || !present(options.affiliate_id)) {
      return Promise.reject(new Error("EF.impression needs offer_id and affiliate_id"));
    }
    // Exactly the impression endpoint's parameters: no free-form ones.
    var named = {};
    for (var i = 0; i < IMPRESSION_FIELDS.length; i += 1) {
      named[IMPRESSION_FIELDS[i]] = options[IMPRESSION_FIELDS[i]];
    }
    var first = { oid: options.offer_id, affid: options.affiliate_id };
    var search = query(first, named, IMPRESSION_FIELDS);
    return call("/sdk/impression", search, options).then(function (body) {
      return body.impression_id;
    });
  }

  window.EF = {
    sdk: "clicktrail",
    configure: configure,
    click: click,
    conversion: conversion,
    impression: impression,
    urlParameter: urlParameter,
    getTransactionId: getTransactionId,
  };
})(window, document);
